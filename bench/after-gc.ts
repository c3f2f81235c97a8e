// What a full GC costs the work after it:
// `node --expose-gc -r ts-node/register bench/after-gc.ts [sqlite|postgres|mariadb] [session,raw]
//   [commits|finds|runs]`
//
// commits: W2's one-message commits (a session per commit; raw: the INSERT alone in autocommit)
// in slices of 250. finds: W3's find of a project's latest 100 messages (a session per find; raw:
// the same SELECT) in slices of 50, over 20,000 messages in 10 projects. runs: W6's orchestrator
// run with `saveMessages` (6 messages, a commit each) in slices of 20, the Session only. Measures
// the process's CPU time per operation: 20 slices to warm up, then seven rounds of 4 slices at
// steady state, a forced full GC, and 12 slices more. Prints, per variant, the steady state, the
// first 4 slices after the GC and their ratio (medians over the rounds). V8 drops the hidden
// classes no live object has at a full GC, and the code optimized for them: this shows what that
// costs each side (src/internal/shape-anchor.ts, src/internal/unit-of-work/entity-shapes.ts).
import "reflect-metadata"
import { Session, SoftwareOrchestrator, demoClient } from "../src"
import { messageRow, newMessage, newProject, nextName, seedMessageRows, seedOwners } from "./data"
import { summarize } from "./stats"
import { openTarget, type DatabaseKind, type Target } from "./targets"
import { latest } from "./workloads/read"
import { rawAlone } from "./workloads/single"

const WARM_UP_SLICES = 20
const STEADY_SLICES = 4
const AFTER_SLICES = 12
const ROUNDS = 7

const kind = (process.argv[2] ?? "sqlite") as DatabaseKind
const variants = (process.argv[3] ?? "session,raw").split(",")
const workload = process.argv[4] ?? "commits"

function cpuMs(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/** One operation of `variant`: the `i`th of the run. */
type Operation = (variant: string, i: number) => Promise<void>

async function commits(target: Target): Promise<Operation> {
  const owners = await seedOwners(target, 1)
  const projectId = await newProject(target, owners)
  return async (variant, i) => {
    if (variant === "raw") return rawAlone(target, messageRow(target.kind, i, projectId, owners))
    const session = new Session(target.dataSource)
    session.add(newMessage(i, projectId, owners))
    await session.commit()
    await session.close()
  }
}

async function finds(target: Target): Promise<Operation> {
  const owners = await seedOwners(target, 10)
  const base = Date.now() - 20_000
  await seedMessageRows(target, owners, 20_000, (i) => ({
    projectId: owners.projectIds[i % 10]!,
    createdAt: new Date(base + i),
  }))
  return async (variant, i) => {
    const rows = await latest(variant, target, owners.projectIds[i % 10]!)
    if (rows !== 100) throw new Error(`read ${rows} messages instead of 100`)
  }
}

// W6's orchestrator run with `saveMessages` (6 messages, each in its own commit); Session only.
async function runs(target: Target): Promise<Operation> {
  const orchestrator = new SoftwareOrchestrator({
    client: demoClient(),
    dataSource: target.dataSource,
    userEmail: `${nextName("gcuser")}@example.com`,
    orchestratorName: nextName("gcorch"),
    saveMessages: true,
  })
  await orchestrator.run("Set up")
  return async (variant, i) => {
    if (variant !== "session") throw new Error("runs: the Session only")
    await orchestrator.run(`Build page ${i}`)
  }
}

async function main(): Promise<void> {
  if (!global.gc) throw new Error("bench/after-gc.ts needs node --expose-gc")
  const workloads: Record<string, [(target: Target) => Promise<Operation>, number]> = {
    commits: [commits, 250],
    finds: [finds, 50],
    runs: [runs, 20],
  }
  const chosen = workloads[workload]
  if (!chosen) throw new Error(`bench/after-gc.ts: unknown workload ${workload}`)
  const [prepare, size] = chosen
  if (workload === "runs" && variants.some((variant) => variant !== "session")) {
    throw new Error("bench/after-gc.ts: runs measures the Session only (variants: session)")
  }
  const target = await openTarget(kind)
  try {
    const operation = await prepare(target)
    let i = 0
    // µs of CPU per operation over one slice.
    const slice = async (variant: string): Promise<number> => {
      const start = cpuMs()
      for (let k = 0; k < size; k += 1, i += 1) await operation(variant, i)
      return ((cpuMs() - start) * 1000) / size
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
    const first = `first ${(STEADY_SLICES * size).toLocaleString("en")} after a full GC`
    console.log(`${kind}, ${workload}: µs of CPU per operation, median of ${ROUNDS} rounds`)
    console.log(`| variant | steady state | ${first} | ratio |`)
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
        after.push(mean(next.slice(0, STEADY_SLICES)))
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
