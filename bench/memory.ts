// M: peak memory while committing many messages in one session, measured in a process of its
// own so nothing else the benchmark did is in the figure, and the longest event-loop stall in
// the commit (the messages are built before it). Run by run.ts; prints one JSON line.
import "reflect-metadata"
import { createDataSource, type Env } from "../src"
import { newProject, seedOwners, writeMessagesInOneCommit } from "./data"
import { watchEventLoop, type Stall } from "./stall"
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
  let stall: Stall | undefined
  await writeMessagesInOneCommit(variant, target, count, projectId, owners, async (commit) => {
    const stop = watchEventLoop()
    await commit()
    stall = stop()
  })
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024)
  process.stdout.write(`${JSON.stringify({ baseline, peak, growth: peak - baseline, stall })}\n`)
  if (raw.kind === "sqlite") raw.db.close()
  else await raw.pool.end()
  await dataSource.destroy()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
