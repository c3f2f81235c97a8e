// What a Session holds at the peak of M, without noise:
// `node --expose-gc -r ts-node/register bench/heap-peak.ts [sqlite|postgres|mariadb] [--kinds]`
//
// Commits 100,000 messages (ids made flat first, as a driver makes them when it writes them) and
// prints the heap used after a forced GC at the start of `afterFlush`, when every statement has
// been written and the undo log, the staged objects, the identity map and every snapshot are all
// held: the session's state at its largest, per row. With --kinds, a heap snapshot taken there is
// compared with one taken before the commit: the objects the commit added, per kind.
import "reflect-metadata"
import { readFileSync, unlinkSync } from "node:fs"
import { writeHeapSnapshot } from "node:v8"
import { Session } from "../src"
import { UnitOfWork } from "../src/internal/unit-of-work/unit-of-work"
import type { Work } from "../src/internal/unit-of-work/work"
import { newMessage, newProject, seedOwners } from "./data"
import { formatBytes } from "./stats"
import { openTarget, type DatabaseKind } from "./targets"

const COUNT = 100_000

type Kinds = Map<string, { count: number; bytes: number }>

function heapAfterGc(): number {
  global.gc?.()
  global.gc?.()
  return process.memoryUsage().heapUsed
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

// Objects in the heap by kind (an object's constructor, a string, a number, an internal array).
function kindsInHeap(): Kinds {
  const file = writeHeapSnapshot()
  const heap = JSON.parse(readFileSync(file, "utf8")) as HeapSnapshot
  unlinkSync(file)
  const fields = heap.snapshot.meta.node_fields
  const types = heap.snapshot.meta.node_types[0]
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f))
  const kinds: Kinds = new Map()
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt!]!]!
    const kind = type.includes("string")
      ? "string"
      : ["object", "closure", "array", "hidden", "native"].includes(type)
        ? `${type} ${heap.strings[heap.nodes[i + nameAt!]!]!.slice(0, 50)}`
        : type
    const entry = kinds.get(kind) ?? { count: 0, bytes: 0 }
    entry.count += 1
    entry.bytes += heap.nodes[i + sizeAt!]!
    kinds.set(kind, entry)
  }
  return kinds
}

function printAdded(before: Kinds, after: Kinds): void {
  const rows = [...after].map(([kind, { count, bytes }]) => {
    const was = before.get(kind) ?? { count: 0, bytes: 0 }
    return { kind, count: count - was.count, bytes: bytes - was.bytes }
  })
  rows.sort((a, b) => b.bytes - a.bytes)
  for (const { kind, count, bytes } of rows.filter((row) => Math.abs(row.bytes) >= COUNT * 4)) {
    console.log(
      `  ${kind.padEnd(56)} ${String(count).padStart(8)} ${formatBytes(bytes).padStart(10)}` +
        ` ${(bytes / COUNT).toFixed(0).padStart(5)} B/row`,
    )
  }
}

async function main(): Promise<void> {
  if (!global.gc) throw new Error("Run with node --expose-gc.")
  const kind = (process.argv[2] ?? "sqlite") as DatabaseKind
  const withKinds = process.argv.includes("--kinds")
  const target = await openTarget(kind)
  try {
    const owners = await seedOwners(target, 1)
    const projectId = await newProject(target, owners)
    for (let warm = 0; warm < 2; warm += 1) {
      await using session = new Session(target.dataSource)
      for (let i = 0; i < 100; i += 1) session.add(newMessage(i, projectId, owners))
      await session.commit()
    }
    const batch = Array.from({ length: COUNT }, (_, i) => newMessage(i, projectId, owners))
    // Reading a character flattens a string: the ids (built of 17 pieces) are flattened here,
    // not in the middle of the commit, where freeing their pieces would hide what it adds.
    let flattened = 0
    for (const message of batch) flattened += message.id.charCodeAt(0)
    const held = heapAfterGc()
    const before = withKinds ? kindsInHeap() : undefined
    let peak = 0
    let atPeak: Kinds | undefined
    const prototype = UnitOfWork.prototype
    const afterFlush = Object.getOwnPropertyDescriptor(prototype, "afterFlush")!
    Object.defineProperty(prototype, "afterFlush", {
      ...afterFlush,
      value(this: UnitOfWork, work: Work): Promise<void> | undefined {
        peak = heapAfterGc()
        if (withKinds) atPeak = kindsInHeap()
        return (afterFlush.value as UnitOfWork["afterFlush"]).call(this, work)
      },
    })
    try {
      await using session = new Session(target.dataSource)
      session.addAll(batch)
      await session.commit()
    } finally {
      Object.defineProperty(prototype, "afterFlush", afterFlush)
    }
    console.log(
      `${kind}: the session's state at the peak ${formatBytes(peak - held)}` +
        ` (${((peak - held) / COUNT).toFixed(0)} B/row)`,
    )
    if (before && atPeak) printAdded(before, atPeak)
    if (batch.length !== COUNT || flattened === 0) throw new Error("The batch was not held.")
  } finally {
    await target.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
