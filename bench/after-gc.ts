// What a full GC costs the commits after it:
// `node --expose-gc -r ts-node/register bench/after-gc.ts [sqlite|postgres|mariadb] [session,raw]`
//
// Runs W2's one-message commits (a session per commit; raw: the INSERT alone in autocommit) in
// slices of 250, measuring the process's CPU time per commit: 5,000 to warm up, then seven
// rounds of 1,000 at steady state, a forced full GC, and 3,000 more. Prints, per variant, the
// steady state, the first 1,000 commits after the GC and their ratio (medians over the rounds).
// V8 drops the hidden classes no live object has at a full GC, and the code optimized for them:
// this shows what that costs each side (src/internal/shape-anchor.ts, entity-shapes.ts).
import "reflect-metadata"
import { Session } from "../src"
import { messageRow, newMessage, newProject, seedOwners } from "./data"
import { summarize } from "./stats"
import { openTarget, type DatabaseKind } from "./targets"
import { rawAlone } from "./workloads/single"

const SLICE = 250
const WARM_UP_SLICES = 20
const STEADY_SLICES = 4
const AFTER_SLICES = 12
const ROUNDS = 7

const kind = (process.argv[2] ?? "sqlite") as DatabaseKind
const variants = (process.argv[3] ?? "session,raw").split(",")

function cpuMs(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

async function main(): Promise<void> {
  if (!global.gc) throw new Error("bench/after-gc.ts needs node --expose-gc")
  const target = await openTarget(kind)
  try {
    const owners = await seedOwners(target, 1)
    const projectId = await newProject(target, owners)
    let i = 0
    // µs of CPU per commit over one slice.
    const slice = async (variant: string): Promise<number> => {
      const start = cpuMs()
      for (let k = 0; k < SLICE; k += 1, i += 1) {
        if (variant === "raw") {
          await rawAlone(target, messageRow(target.kind, i, projectId, owners))
          continue
        }
        const session = new Session(target.dataSource)
        session.add(newMessage(i, projectId, owners))
        await session.commit()
        await session.close()
      }
      return ((cpuMs() - start) * 1000) / SLICE
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
    console.log(`${kind}: µs of CPU per one-message commit, median of ${ROUNDS} rounds`)
    console.log("| variant | steady state | first 1,000 after a full GC | ratio |")
    console.log("|---|---|---|---|")
    for (const variant of variants) {
      for (let s = 0; s < WARM_UP_SLICES; s += 1) await slice(variant)
      const steady: number[] = []
      const after: number[] = []
      for (let round = 0; round < ROUNDS; round += 1) {
        const before: number[] = []
        for (let s = 0; s < STEADY_SLICES; s += 1) before.push(await slice(variant))
        global.gc()
        await new Promise((resolve) => setTimeout(resolve, 100))
        const next: number[] = []
        for (let s = 0; s < AFTER_SLICES; s += 1) next.push(await slice(variant))
        steady.push(mean(before))
        after.push(mean(next.slice(0, 1000 / SLICE)))
      }
      const steadyMedian = summarize(steady).median
      const afterMedian = summarize(after).median
      console.log(
        `| ${variant} | ${steadyMedian.toFixed(0)} | ${afterMedian.toFixed(0)} | ${(afterMedian / steadyMedian).toFixed(2)}× |`,
      )
    }
  } finally {
    await target.close()
  }
}

void main()
