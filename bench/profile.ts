// `npm run bench:profile -- --db=sqlite --only=W3 [--variants=session,raw] [--runs=5]
//   [--interval=100] [--top=20] [--quick] [--save=DIR]`
//
// Runs one workload of the bench on one database under the V8 CPU profiler (node:inspector),
// each variant `runs` times after a warm-up, interleaved, and prints the self time of each
// variant grouped by owner (this package, TypeORM, the driver, the bench, node, GC, idle) per
// run, then the package's top functions. Comparing the Session's row with raw's shows where the
// Session's extra time goes. `--interval` is the sampling interval in microseconds; `--save`
// writes each variant's last profile to DIR as a .cpuprofile (Chrome DevTools opens it).
import "reflect-metadata"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { Session as InspectorSession } from "node:inspector"
import { join } from "node:path"
import {
  byFile,
  OWNERS,
  OWNER_TITLES,
  selfTimes,
  type CpuProfile,
  type Ownership,
  type SelfTimes,
} from "./profile-owners"
import { settle } from "./settle"
import { openTarget, type DatabaseKind, type Target } from "./targets"
import { FULL, QUICK, type Variant, type Workload } from "./workload"
import { WORKLOADS } from "./workloads/all"

function argument(name: string): string | undefined {
  const prefix = `--${name}=`
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length)
}

const KNOWN = ["db", "only", "variants", "runs", "interval", "top", "save"]
const unknown = process.argv
  .slice(2)
  .filter((arg) => arg !== "--quick" && !KNOWN.some((name) => arg.startsWith(`--${name}=`)))
if (unknown.length > 0) throw new Error(`bench:profile: unknown arguments ${unknown.join(" ")}`)

const sizes = process.argv.includes("--quick") ? QUICK : FULL
const kind = (argument("db") ?? "sqlite") as DatabaseKind
const workloadId = argument("only") ?? "W3"
const variants = (argument("variants")?.split(",") ?? ["session", "raw"]) as Variant[]
const runs = Number(argument("runs") ?? 5)
const interval = Number(argument("interval") ?? 100)
const top = Number(argument("top") ?? 20)
const saveTo = argument("save")

const DRIVERS: Record<DatabaseKind, string> = {
  sqlite: "better-sqlite3",
  postgres: "pg",
  mariadb: "mysql2",
}

const ROOT = join(__dirname, "..")

/** The driver package and, transitively, what it depends on, as installed. */
function driverPackages(name: string, found = new Set<string>()): Set<string> {
  if (found.has(name)) return found
  found.add(name)
  try {
    const manifest = JSON.parse(
      readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8"),
    ) as { dependencies?: Record<string, string> }
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      driverPackages(dependency, found)
    }
  } catch {
    // Not installed at the top level (an optional dependency): nothing of it can be sampled.
  }
  return found
}

function post<T>(inspector: InspectorSession, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    inspector.post(method, params, (error, result) => {
      if (error) reject(error)
      else resolve(result as T)
    })
  })
}

async function main(): Promise<void> {
  const workload = WORKLOADS.find((candidate) => candidate.id === workloadId)
  if (!workload) throw new Error(`bench:profile: no workload ${workloadId}`)
  const packages = driverPackages(DRIVERS[kind])
  const ownership: Ownership = {
    root: ROOT,
    driverPackages: packages,
    // A native addon loads its binary through `bindings`.
    nativeCalls: packages.has("bindings") ? "driver" : "node/other",
  }
  const target = await openTarget(kind)
  const inspector = new InspectorSession()
  inspector.connect()
  try {
    await post(inspector, "Profiler.enable")
    await post(inspector, "Profiler.setSamplingInterval", { interval })
    const state = await workload.prepare(target, sizes)
    const profiles = new Map<Variant, CpuProfile[]>(variants.map((variant) => [variant, []]))
    const measured = new Map<Variant, number[]>(variants.map((variant) => [variant, []]))
    for (let round = 0; round <= runs; round += 1) {
      const order = round % 2 === 0 ? variants : [...variants].reverse()
      for (const variant of order) {
        await settle(target)
        if (round === 0) {
          await workload.run(variant, target, state, sizes)
          continue
        }
        await post(inspector, "Profiler.start")
        const start = performance.now()
        await workload.run(variant, target, state, sizes)
        measured.get(variant)!.push(performance.now() - start)
        const { profile } = await post<{ profile: CpuProfile }>(inspector, "Profiler.stop")
        profiles.get(variant)!.push(profile)
      }
    }
    const times = new Map(
      variants.map((variant) => [variant, selfTimes(profiles.get(variant)!, ownership)]),
    )
    print(workload, target, times, measured)
    if (saveTo) save(saveTo, workload.id, profiles)
  } finally {
    inspector.disconnect()
    await target.close()
  }
}

function print(
  workload: Workload<never>,
  target: Target,
  times: ReadonlyMap<Variant, SelfTimes>,
  measured: ReadonlyMap<Variant, readonly number[]>,
): void {
  const command = `npm run bench:profile -- ${process.argv.slice(2).join(" ")}`
  console.log(`\n${command}`)
  console.log(
    `${workload.id} ${workload.title} on ${target.kind}, ${workload.unit(sizes)}; ${runs} profiled runs per variant, sampling every ${interval} µs`,
  )
  console.log(
    "Self time per run (ms) by owner; a builtin counts as its caller's, a native addon call as the driver's.\n",
  )
  const header = ["owner", ...variants.flatMap((variant) => [variant, "%"])]
  if (variants.length === 2) header.push(`${variants[0]} − ${variants[1]}`)
  const perRun = (variant: Variant, ms: number) => ms / (profiles(variant) || 1)
  const profiles = (variant: Variant) => measured.get(variant)?.length ?? 0
  const row = (title: string, pick: (self: SelfTimes) => number): string[] => {
    const cells = [title]
    const values: number[] = []
    for (const variant of variants) {
      const self = times.get(variant)!
      const value = perRun(variant, pick(self))
      values.push(value)
      cells.push(
        value.toFixed(2),
        self.totalMs ? `${((100 * pick(self)) / self.totalMs).toFixed(1)}` : "",
      )
    }
    if (values.length === 2) cells.push((values[0]! - values[1]!).toFixed(2))
    return cells
  }
  const lines = [
    ...OWNERS.map((owner) => row(OWNER_TITLES[owner], (self) => self.byOwner[owner])),
    row("total sampled", (self) => self.totalMs),
  ]
  const measuredLine = ["wall time of a profiled run (mean)"]
  for (const variant of variants) {
    const values = measured.get(variant) ?? []
    measuredLine.push(
      (values.reduce((sum, value) => sum + value, 0) / (values.length || 1)).toFixed(2),
      "",
    )
  }
  lines.push(measuredLine)
  table(header, lines)
  const packageTable = (
    variant: Variant,
    title: string,
    column: string,
    entries: readonly { name: string; ms: number }[],
  ): void => {
    if (entries.length === 0) return
    const totalMs = times.get(variant)!.totalMs
    console.log(`\n${title}`)
    table(
      [column, "ms", "% of all"],
      entries.map((entry) => [
        entry.name,
        perRun(variant, entry.ms).toFixed(3),
        ((100 * entry.ms) / totalMs).toFixed(1),
      ]),
    )
  }
  for (const variant of variants) {
    const files = byFile(times.get(variant)!.byFunction, "package").slice(0, top)
    packageTable(
      variant,
      `The package's self time by file, ${variant} (ms per run):`,
      "file",
      files.map((entry) => ({ name: entry.file, ms: entry.ms })),
    )
  }
  for (const variant of variants) {
    const own = times
      .get(variant)!
      .byFunction.filter((entry) => entry.owner === "package")
      .slice(0, top)
    packageTable(
      variant,
      `Top ${own.length} functions of the package, ${variant} (self ms per run; lines of the compiled JS):`,
      "function",
      own,
    )
  }
}

function save(dir: string, id: string, profiles: ReadonlyMap<Variant, CpuProfile[]>): void {
  mkdirSync(dir, { recursive: true })
  for (const [variant, list] of profiles) {
    const last = list[list.length - 1]
    if (!last) continue
    const file = join(dir, `${id}-${kind}-${variant}.cpuprofile`)
    writeFileSync(file, JSON.stringify(last))
    console.log(`Saved ${file}`)
  }
}

function table(header: readonly string[], lines: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)),
  )
  const render = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => (cells[column] ?? "").padEnd(width)).join(" | ")} |`
  console.log(render(header))
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`)
  for (const line of lines) console.log(render(line))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
