// The pure part of `npm run bench:profile`: who owns each sample of a V8 CPU profile, and the
// self time summed by owner and by function.

/** The subset of V8's `Profiler.Profile` read here. */
export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[]
  readonly samples?: readonly number[]
  readonly timeDeltas?: readonly number[]
}

export interface CpuProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    /** "0" for a function with no script: a native addon's or node's C++ (V8 shows no builtins). */
    readonly scriptId: string
    readonly url: string
    readonly lineNumber: number
  }
  readonly children?: readonly number[]
}

export const OWNERS = [
  "package",
  "typeorm",
  "driver",
  "driver call",
  "bench",
  "node/other",
  "gc",
  "program",
  "idle",
] as const
export type Owner = (typeof OWNERS)[number]

export const OWNER_TITLES: Record<Owner, string> = {
  package: "this package (src/)",
  typeorm: "typeorm",
  driver: "driver and its deps",
  "driver call": "JS frame calling a native driver function",
  bench: "bench harness (bench/)",
  "node/other": "node internals, other JS",
  gc: "(garbage collector)",
  program: "(program): native, compiler",
  idle: "(idle): waiting on I/O",
}

/** What the owner of a frame is decided from: the project root and the driver's packages. */
export interface Ownership {
  /** The project directory, without a trailing slash. */
  readonly root: string
  /** The driver package and every package it depends on, by name. */
  readonly driverPackages: ReadonlySet<string>
  /**
   * Whose a native function called from outside node's own code is: the driver's, where the
   * driver is a native addon (better-sqlite3's statement.all); node's, where it is JavaScript.
   */
  readonly nativeCalls: Owner
}

const SPECIAL: Record<string, Owner> = {
  "(garbage collector)": "gc",
  "(program)": "program",
  "(idle)": "idle",
  "(root)": "program",
}

/**
 * The owner of one frame, or undefined where it depends on the caller: native functions (see
 * `nativeCalls`) and code compiled at run time (TypeORM's and the driver's generated row
 * readers), which count as the caller's.
 */
export function ownerOf(
  callFrame: CpuProfileNode["callFrame"],
  ownership: Ownership,
): Owner | undefined {
  const special = SPECIAL[callFrame.functionName]
  if (special && !callFrame.url) return special
  if (!callFrame.url) return undefined
  const path = callFrame.url.replace(/^file:\/\//, "")
  if (path.startsWith("node:") || !path.startsWith("/")) return "node/other"
  const modules = path.lastIndexOf("/node_modules/")
  if (modules >= 0) {
    const rest = path.slice(modules + "/node_modules/".length).split("/")
    const name = rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? "")
    if (name === "typeorm") return "typeorm"
    return ownership.driverPackages.has(name) ? "driver" : "node/other"
  }
  if (path.startsWith(`${ownership.root}/src/`)) return "package"
  if (path.startsWith(`${ownership.root}/bench/`)) return "bench"
  return "node/other"
}

export interface FunctionTime {
  readonly owner: Owner
  /** `name file:line`, the file relative to the project root, the line 1-based. */
  readonly name: string
  readonly ms: number
}

export interface SelfTimes {
  readonly byOwner: Record<Owner, number>
  readonly byFunction: readonly FunctionTime[]
  readonly totalMs: number
}

/**
 * Self time per owner and per function. A sample's time is the delta to the next sample. V8
 * counts a builtin (Array.prototype.map, new Date) as its JavaScript caller's self time; a
 * native function is node's when node's code called it, else `ownership.nativeCalls`; code
 * compiled at run time is its caller's.
 */
export function selfTimes(profiles: readonly CpuProfile[], ownership: Ownership): SelfTimes {
  const byOwner = Object.fromEntries(OWNERS.map((owner) => [owner, 0])) as Record<Owner, number>
  const byFunction = new Map<string, { owner: Owner; ms: number }>()
  let totalMs = 0
  for (const profile of profiles) {
    const attribution = attribute(profile, ownership)
    const samples = profile.samples ?? []
    const deltas = profile.timeDeltas ?? []
    for (let i = 0; i < samples.length; i += 1) {
      const ms = (deltas[i + 1] ?? 0) / 1000
      const found = attribution.get(samples[i]!)
      if (!found) continue
      byOwner[found.owner] += ms
      totalMs += ms
      const entry = byFunction.get(found.name) ?? { owner: found.owner, ms: 0 }
      entry.ms += ms
      byFunction.set(found.name, entry)
    }
  }
  return {
    byOwner,
    totalMs,
    byFunction: [...byFunction]
      .map(([name, { owner, ms }]) => ({ owner, name, ms }))
      .sort((a, b) => b.ms - a.ms),
  }
}

function attribute(
  profile: CpuProfile,
  ownership: Ownership,
): Map<number, { owner: Owner; name: string }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parents = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id)
  const result = new Map<number, { owner: Owner; name: string }>()
  const resolve = (id: number): { owner: Owner; name: string } => {
    const known = result.get(id)
    if (known) return known
    const node = byId.get(id)!
    const owner = ownerOf(node.callFrame, ownership)
    const parent = parents.get(id)
    let found: { owner: Owner; name: string }
    const caller = parent === undefined ? undefined : resolve(parent)
    if (owner) found = { owner, name: functionName(node.callFrame, ownership.root) }
    else if (node.callFrame.scriptId !== "0" || !caller)
      found = caller ?? { owner: "program", name: "(root)" }
    else if (caller.owner === "node/other") found = caller
    else found = { owner: ownership.nativeCalls, name: `${node.callFrame.functionName} (native)` }
    // V8 often samples a native addon's work (building row objects) as its JavaScript caller's
    // self time: a frame that calls one is shown apart, its self time mostly the driver's.
    if (
      found.owner !== "driver" &&
      found.owner !== "node/other" &&
      ownership.nativeCalls === "driver" &&
      (node.children ?? []).some((child) => {
        const frame = byId.get(child)?.callFrame
        return frame?.scriptId === "0" && !SPECIAL[frame.functionName]
      })
    ) {
      found = { owner: "driver call", name: found.name }
    }
    result.set(id, found)
    return found
  }
  for (const node of profile.nodes) resolve(node.id)
  return result
}

function functionName(callFrame: CpuProfileNode["callFrame"], root: string): string {
  const name = callFrame.functionName || "(anonymous)"
  if (!callFrame.url) return name
  const path = callFrame.url.replace(/^file:\/\//, "")
  const relative = path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path
  return `${name} ${relative}:${callFrame.lineNumber + 1}`
}

/** The owner's self time summed by file (the path in each function's name), largest first. */
export function byFile(
  functions: readonly FunctionTime[],
  owner: Owner,
): { file: string; ms: number }[] {
  const files = new Map<string, number>()
  for (const entry of functions) {
    if (entry.owner !== owner) continue
    const located = /^.* (\S+):\d+$/.exec(entry.name)
    const file = located ? located[1]! : entry.name
    files.set(file, (files.get(file) ?? 0) + entry.ms)
  }
  return [...files].map(([file, ms]) => ({ file, ms })).sort((a, b) => b.ms - a.ms)
}
