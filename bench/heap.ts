// Where M's memory goes: `node --expose-gc -r ts-node/register bench/heap.ts [sqlite|postgres|mariadb]`
//
// Commits 100,000 messages once through the raw driver and once through a Session (each in a
// fresh database) and prints, for each, the heap the batch itself holds before the write and the
// peak heap above that during the write (garbage not yet collected included), sampled every
// millisecond. M's RSS figure is the sum of the two plus what the allocator keeps.
import "reflect-metadata"
import { Session } from "../src"
import { insertMessageRows, messageRow, newMessage, newProject, seedOwners } from "./data"
import { formatBytes } from "./stats"
import { openTarget, type DatabaseKind } from "./targets"

const COUNT = 100_000

async function measure(kind: DatabaseKind, variant: "raw" | "session"): Promise<void> {
  const target = await openTarget(kind)
  try {
    const owners = await seedOwners(target, 1)
    const projectId = await newProject(target, owners)
    const heap = (): number => {
      global.gc?.()
      return process.memoryUsage().heapUsed
    }
    const empty = heap()
    const batch =
      variant === "raw"
        ? Array.from({ length: COUNT }, (_, i) => messageRow(kind, i, projectId, owners))
        : Array.from({ length: COUNT }, (_, i) => newMessage(i, projectId, owners))
    const held = heap()
    let peak = held
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed)
    }, 1)
    if (variant === "raw") {
      await insertMessageRows(target.raw, batch as unknown[][])
    } else {
      await using session = new Session(target.dataSource)
      session.addAll(batch as object[])
      await session.commit()
    }
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().heapUsed)
    const after = heap()
    console.log(
      `${kind} ${variant.padEnd(7)} batch held ${formatBytes(held - empty).padStart(10)}` +
        ` | peak during the write +${formatBytes(peak - held).padStart(10)}` +
        ` | held after the commit ${formatBytes(after - empty).padStart(10)}`,
    )
  } finally {
    await target.close()
  }
}

async function main(): Promise<void> {
  if (!global.gc) throw new Error("Run with node --expose-gc.")
  const kinds = (process.argv[2]?.split(",") ?? ["sqlite"]) as DatabaseKind[]
  for (const kind of kinds) {
    await measure(kind, "raw")
    await measure(kind, "session")
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
