// `npm run bench [-- --quick] [-- --db=sqlite,postgres] [-- --only=W1,W6,M] [-- --runs=7]
//   [-- --variants=session,raw]`
//
// Runs every workload on SQLite and, when reachable, PostgreSQL and MariaDB, with three variants
// interleaved round by round (so drift hits all alike): the Session, the raw driver doing the
// same SQL work by hand (the floor), and plain TypeORM. Prints one table with medians, ranges and
// the ratio to the raw driver, and writes it to bench/results.json. A workload that commits one
// statement at a time also measures `raw-autocommit` (the statement alone, no BEGIN/COMMIT)
// whenever `raw` is measured; its rows carry a second ratio, to that floor.
import "reflect-metadata"
import { execFileSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { cpus, totalmem } from "node:os"
import { join } from "node:path"
import { formatBytes, formatMs, summarize, type Summary } from "./stats"
import { openTarget, reachable, type DatabaseKind, type Target } from "./targets"
import { settle } from "./settle"
import type { Stall } from "./stall"
import { FULL, QUICK, VARIANTS, type Sizes, type Variant, type Workload } from "./workload"
import { WORKLOADS } from "./workloads/all"

interface Row {
  readonly workload: string
  readonly title: string
  readonly unit: string
  readonly database: DatabaseKind
  readonly variant: Variant
  readonly kind: "time" | "memory"
  readonly summary?: Summary
  readonly error?: string
  ratio?: number
  /** The ratio to `raw-autocommit`, where the workload measures that floor. */
  ratioToAutocommit?: number
  /** M: the longest event-loop stall in the commit, wall-clock and main-thread CPU ms. */
  readonly stall?: { readonly wallMs: Summary; readonly cpuMs: Summary }
}

function argument(name: string): string | undefined {
  const prefix = `--${name}=`
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length)
}

const quick = process.argv.includes("--quick")
const sizes: Sizes = quick ? QUICK : FULL
const runs = Number(argument("runs") ?? (quick ? 3 : 5))
const only = argument("only")?.split(",")
const databases = (argument("db")?.split(",") ?? [
  "sqlite",
  "postgres",
  "mariadb",
]) as DatabaseKind[]
const wanted = (id: string): boolean => !only || only.includes(id)
const selectedVariants = (argument("variants")?.split(",") as Variant[] | undefined) ?? VARIANTS

async function main(): Promise<void> {
  const rows: Row[] = []
  const plans: Record<string, string> = {}
  console.log(
    `concrete-db benchmark — ${quick ? "quick" : "full"} sizes, ${runs} measured runs after a warm-up`,
  )
  for (const kind of databases) {
    if (!(await reachable(kind))) {
      console.log(`\n${kind}: unreachable, skipped`)
      continue
    }
    console.log(`\n${kind}:`)
    const target = await openTarget(kind)
    try {
      for (const workload of WORKLOADS) {
        if (!wanted(workload.id)) continue
        rows.push(...(await measure(workload, target)))
        const state = latestStates.get(workload.id)
        if (state && typeof state === "object" && "plan" in state) plans[kind] = String(state.plan)
      }
      if (wanted("M")) rows.push(...measureMemory(target))
    } finally {
      await target.close()
    }
  }
  for (const row of rows) {
    const floor = (variant: Variant): number | undefined => {
      const found = rows.find(
        (other) =>
          other.workload === row.workload &&
          other.database === row.database &&
          other.variant === variant,
      )
      return row.summary && found?.summary ? row.summary.median / found.summary.median : undefined
    }
    row.ratio = floor("raw")
    row.ratioToAutocommit = floor("raw-autocommit")
  }
  printTable(rows)
  for (const [kind, plan] of Object.entries(plans)) console.log(`W3 plan on ${kind}: ${plan}`)
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${formatBytes(totalmem())} RAM, Node ${process.version}`
  writeFileSync(
    join(__dirname, "results.json"),
    `${JSON.stringify({ date: new Date().toISOString(), machine, quick, runs, sizes, plans, rows }, null, 2)}\n`,
  )
  console.log(`\nMachine: ${machine}\nWritten to bench/results.json`)
}

const latestStates = new Map<string, unknown>()

async function measure(workload: Workload<never>, target: Target): Promise<Row[]> {
  process.stdout.write(`  ${workload.id} ${workload.title}: preparing`)
  const state = await workload.prepare(target, sizes)
  latestStates.set(workload.id, state)
  const variants = variantsOf(workload)
  const times = new Map<Variant, number[]>(variants.map((variant) => [variant, []]))
  const errors = new Map<Variant, string>()
  const orders = permutations(variants)
  for (let round = 0; round <= runs; round += 1) {
    // A different order every round, going through every permutation: each variant runs after
    // each other one equally often, so what one leaves behind (a busy server) hits all alike.
    const order = orders[round % orders.length]!
    for (const variant of order) {
      if (errors.has(variant)) continue
      try {
        await settle(target)
        const ms = await workload.run(variant, target, state, sizes)
        if (round > 0) times.get(variant)!.push(ms)
      } catch (error) {
        errors.set(variant, (error as Error).message.split("\n")[0]!.slice(0, 120))
      }
    }
    process.stdout.write(round === 0 ? ", warmed up" : ".")
  }
  process.stdout.write("\n")
  return variants.map((variant) => {
    const error = errors.get(variant)
    const values = times.get(variant)!
    return {
      workload: workload.id,
      title: workload.title,
      unit: workload.unit(sizes),
      database: target.kind,
      variant,
      kind: "time" as const,
      ...(error ? { error } : { summary: summarize(values) }),
    }
  })
}

// Once each: `--variants=raw,raw-autocommit` names the floor that `raw` brings along anyway.
function variantsOf(workload: Workload<never>): Variant[] {
  const variants = selectedVariants
    .filter((variant) => workload.variants?.includes(variant) ?? true)
    .flatMap((variant): Variant[] =>
      variant === "raw" && workload.autocommitFloor ? ["raw", "raw-autocommit"] : [variant],
    )
  return [...new Set(variants)]
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]]
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  )
}

function measureMemory(target: Target): Row[] {
  process.stdout.write(`  M memory: `)
  const results: Row[] = []
  const memoryRuns = Math.max(3, Math.min(runs, 5))
  // What each process printed: its peak's growth and its commit's longest stall.
  const measured = new Map<string, Array<{ growth: number; stall: Stall }>>([
    ["session", []],
    ["raw", []],
  ])
  for (let round = 0; round < memoryRuns; round += 1) {
    for (const variant of round % 2 === 0 ? ["session", "raw"] : ["raw", "session"]) {
      const output = execFileSync(
        process.execPath,
        [
          "--expose-gc",
          "-r",
          "ts-node/register",
          join(__dirname, "memory.ts"),
          target.kind,
          variant,
          String(sizes.memoryMessages),
          JSON.stringify(target.env),
        ],
        { encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
      )
      const printed = JSON.parse(output.trim().split("\n").pop()!) as {
        growth: number
        stall: Stall
      }
      measured.get(variant)!.push(printed)
      process.stdout.write(".")
    }
  }
  process.stdout.write("\n")
  for (const [variant, outputs] of measured) {
    results.push({
      workload: "M",
      title: "peak RSS growth",
      unit: `commit of ${sizes.memoryMessages.toLocaleString("en")} messages in one session`,
      database: target.kind,
      variant: variant as Variant,
      kind: "memory",
      summary: summarize(outputs.map((output) => output.growth)),
      stall: {
        wallMs: summarize(outputs.map((output) => output.stall.wallMs)),
        cpuMs: summarize(outputs.map((output) => output.stall.cpuMs)),
      },
    })
  }
  return results
}

function printTable(rows: readonly Row[]): void {
  const header = [
    "workload",
    "database",
    "variant",
    "median",
    "min – max",
    "× raw",
    "× raw autocommit",
  ]
  const lines = rows.map((row) => {
    const format = row.kind === "memory" ? formatBytes : formatMs
    return [
      `${row.workload} ${row.title}`,
      row.database,
      row.variant,
      row.summary ? format(row.summary.median) : "failed",
      row.summary ? `${format(row.summary.min)} – ${format(row.summary.max)}` : (row.error ?? ""),
      row.ratio === undefined ? "" : `${row.ratio.toFixed(2)}×`,
      row.ratioToAutocommit === undefined ? "" : `${row.ratioToAutocommit.toFixed(2)}×`,
    ]
  })
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  )
  const render = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`
  console.log("")
  console.log(render(header))
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`)
  for (const line of lines) console.log(render(line))
  console.log("")
  const units = new Map(rows.map((row) => [row.workload, row.unit]))
  for (const [workload, unit] of units) console.log(`${workload}: ${unit}`)
  console.log(
    "× raw: against the raw driver doing the same durable work by hand (W2: each INSERT inside BEGIN … COMMIT; W6: what a transaction of one statement holds is sent alone).",
  )
  const stalls = rows.filter((row) => row.stall)
  if (stalls.length > 0) {
    const range = ({ median, min, max }: Summary): string =>
      `${median.toFixed(0)} (${min.toFixed(0)}–${max.toFixed(0)})`
    console.log(
      `M, the longest event-loop stall in the commit, ms of wall-clock time / of the main thread's CPU, median (min–max): ${stalls
        .map(
          (row) =>
            `${row.database} ${row.variant} ${range(row.stall!.wallMs)} / ${range(row.stall!.cpuMs)}`,
        )
        .join(", ")}`,
    )
  }
  if (rows.some((row) => row.ratioToAutocommit !== undefined)) {
    console.log(
      "× raw autocommit: against the raw driver sending each commit's one INSERT alone, in autocommit (no BEGIN/COMMIT).",
    )
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
