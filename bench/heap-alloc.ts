// Where M's peak comes from, by function:
// `node --expose-gc -r ts-node/register bench/heap-alloc.ts [sqlite|postgres|mariadb] [session|raw]`
//
// M's peak is the old generation growing through the commit: what the variant keeps, and what
// it let go of after surviving a scavenge, which stays until the next full GC (often none before
// the peak). V8's sampling heap profiler, told to keep objects that a full GC collected and to drop
// those that died young, counts exactly that. Runs M's workload (100,000 messages written by
// `writeMessagesInOneCommit` in bench/data.ts) under it and prints the sampled bytes per
// allocating function, each with the innermost function of this repository on its stack. Samples
// are 256 bytes apart on average: figures below about 0.1 MiB are noise.
import "reflect-metadata"
import { Session as InspectorSession } from "node:inspector"
import { newProject, seedOwners, writeMessagesInOneCommit } from "./data"
import { formatBytes } from "./stats"
import { openTarget, type DatabaseKind } from "./targets"

const COUNT = 100_000
const SHOWN = 25

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: ProfileNode[]
}

function post<T>(inspector: InspectorSession, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) =>
    inspector.post(method, params, (error, result) =>
      error ? reject(error) : resolve(result as T),
    ),
  )
}

function frameName({ functionName, url, lineNumber }: ProfileNode["callFrame"]): string {
  const file = url.replace(/^.*\/(node_modules\/)?/, "")
  return `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`
}

// Bytes per (allocating function, innermost function of this repository on its stack).
function byFunction(head: ProfileNode): Map<string, number> {
  const sizes = new Map<string, number>()
  const visit = (node: ProfileNode, ours: string): void => {
    const url = node.callFrame.url
    const own =
      /\.ts$/.test(url) && !url.includes("node_modules") ? frameName(node.callFrame) : ours
    if (node.selfSize > 0) {
      const key = `${frameName(node.callFrame).padEnd(48)} in ${own}`
      sizes.set(key, (sizes.get(key) ?? 0) + node.selfSize)
    }
    for (const child of node.children) visit(child, own)
  }
  visit(head, "?")
  return sizes
}

async function main(): Promise<void> {
  if (!global.gc) throw new Error("Run with node --expose-gc.")
  const kind = (process.argv[2] ?? "sqlite") as DatabaseKind
  const variant = process.argv[3] ?? "session"
  const target = await openTarget(kind)
  const inspector = new InspectorSession()
  try {
    const owners = await seedOwners(target, 1)
    const projectId = await newProject(target, owners)
    await writeMessagesInOneCommit(variant, target, 100, projectId, owners)
    global.gc()
    inspector.connect()
    await post(inspector, "HeapProfiler.enable")
    await post(inspector, "HeapProfiler.startSampling", {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: false,
    })
    await writeMessagesInOneCommit(variant, target, COUNT, projectId, owners)
    const { profile } = await post<{ profile: { head: ProfileNode } }>(
      inspector,
      "HeapProfiler.stopSampling",
    )
    const sizes = [...byFunction(profile.head)].sort((a, b) => b[1] - a[1])
    const total = sizes.reduce((sum, [, bytes]) => sum + bytes, 0)
    console.log(
      `${kind} ${variant}: ${formatBytes(total)} survived a scavenge (${(total / COUNT).toFixed(0)} B/row)`,
    )
    for (const [key, bytes] of sizes.slice(0, SHOWN)) {
      console.log(
        `  ${formatBytes(bytes).padStart(10)} ${(bytes / COUNT).toFixed(0).padStart(5)} B/row  ${key}`,
      )
    }
  } finally {
    inspector.disconnect()
    await target.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
