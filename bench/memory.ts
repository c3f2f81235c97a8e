// M: peak memory while committing many messages in one session, measured in a process of its
// own so nothing else the benchmark did is in the figure. Run by run.ts; prints one JSON line.
import "reflect-metadata"
import { Message, Session, createDataSource, type Env } from "../src"
import { insertMessagesSql, messageContent, messageRow, newProject, seedOwners } from "./data"
import type { RawDriver, Target } from "./targets"
import Database from "better-sqlite3"
import { createPool } from "mysql2/promise"
import { Pool as PgPool } from "pg"

async function main(): Promise<void> {
  const [kind, variant, countText, envJson] = process.argv.slice(2) as [
    Target["kind"],
    string,
    string,
    string,
  ]
  const env = JSON.parse(envJson) as Env
  const count = Number(countText)
  const dataSource = createDataSource({ env })
  await dataSource.initialize()
  await dataSource.runMigrations()
  let raw: RawDriver
  if (kind === "sqlite") {
    const db = new Database(env.DB_DATABASE, { timeout: 5000 })
    db.pragma("journal_mode = WAL")
    db.pragma("synchronous = FULL")
    raw = { kind, db }
  } else if (kind === "postgres") {
    raw = {
      kind,
      pool: new PgPool({
        host: env.DB_HOST,
        port: Number(env.DB_PORT),
        user: env.DB_USERNAME,
        password: env.DB_PASSWORD,
        database: env.DB_DATABASE,
      }),
    }
  } else {
    raw = {
      kind,
      pool: createPool({
        host: env.DB_HOST,
        port: Number(env.DB_PORT),
        user: env.DB_USERNAME,
        password: env.DB_PASSWORD,
        database: env.DB_DATABASE,
        timezone: "Z",
      }),
    }
  }
  const target: Target = { kind, dataSource, raw, env, close: () => Promise.resolve() }
  const owners = await seedOwners(target, 1)
  const projectId = await newProject(target, owners)
  // Warm both paths (statement caches, JIT) with a few rows, then measure from a collected heap.
  await write(variant, target, 100, projectId, owners)
  global.gc?.()
  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 1)
  await write(variant, target, count, projectId, owners)
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024)
  process.stdout.write(`${JSON.stringify({ baseline, peak, growth: peak - baseline })}\n`)
  if (raw.kind === "sqlite") raw.db.close()
  else await raw.pool.end()
  await dataSource.destroy()
}

async function write(
  variant: string,
  target: Target,
  count: number,
  projectId: string,
  owners: Awaited<ReturnType<typeof seedOwners>>,
): Promise<void> {
  if (variant === "session") {
    await using session = new Session(target.dataSource)
    for (let i = 0; i < count; i += 1) {
      session.add(
        Object.assign(new Message(), {
          type: "textmessage",
          content: messageContent(i),
          projectId,
          ...(i % 2 === 0 ? { userId: owners.userId } : { operatorId: owners.operatorId }),
        }),
      )
    }
    await session.commit()
    return
  }
  // The same data held by hand until it is written in one transaction.
  const rows = Array.from({ length: count }, (_, i) =>
    messageRow(target.kind, i, projectId, owners),
  )
  const raw = target.raw
  if (raw.kind === "sqlite") {
    const insert = raw.db.prepare(insertMessagesSql("sqlite", 1))
    raw.db.transaction(() => {
      for (const row of rows) insert.run(...row)
    })()
    return
  }
  const chunk = 1000
  if (raw.kind === "postgres") {
    const client = await raw.pool.connect()
    try {
      await client.query("BEGIN")
      for (let start = 0; start < rows.length; start += chunk) {
        const part = rows.slice(start, start + chunk)
        await client.query(insertMessagesSql("postgres", part.length), part.flat())
      }
      await client.query("COMMIT")
    } finally {
      client.release()
    }
    return
  }
  const connection = await raw.pool.getConnection()
  try {
    await connection.beginTransaction()
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk)
      await connection.query(insertMessagesSql("mariadb", part.length), part.flat())
    }
    await connection.commit()
  } finally {
    connection.release()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
