// M: peak memory while committing many messages in one session, measured in a process of its
// own so nothing else the benchmark did is in the figure. Run by run.ts; prints one JSON line.
import "reflect-metadata"
import { createDataSource, type Env } from "../src"
import { newProject, seedOwners, writeMessagesInOneCommit } from "./data"
import { openRawDriver, type DatabaseKind, type Target } from "./targets"

async function main(): Promise<void> {
  const [kind, variant, countText, envJson] = process.argv.slice(2) as [
    DatabaseKind,
    string,
    string,
    string,
  ]
  const env = JSON.parse(envJson) as Env
  const count = Number(countText)
  const dataSource = createDataSource({ env })
  await dataSource.initialize()
  await dataSource.runMigrations()
  const raw = openRawDriver(kind, env)
  const target: Target = { kind, dataSource, raw, env, close: () => Promise.resolve() }
  const owners = await seedOwners(target, 1)
  const projectId = await newProject(target, owners)
  // Warm both paths (statement caches, JIT) with a few rows, then measure from a collected heap.
  await writeMessagesInOneCommit(variant, target, 100, projectId, owners)
  global.gc?.()
  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 1)
  await writeMessagesInOneCommit(variant, target, count, projectId, owners)
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024)
  process.stdout.write(`${JSON.stringify({ baseline, peak, growth: peak - baseline })}\n`)
  if (raw.kind === "sqlite") raw.db.close()
  else await raw.pool.end()
  await dataSource.destroy()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
