import type { DataSource } from "typeorm"
import { Message, createDataSource, withTransaction } from "../../src"
import { DEFAULT_POOL_SIZE } from "../../src/data-source-options"
import { describeEachDatabase, type TestDatabase } from "../support/databases"
import {
  type Conversation,
  existingIds,
  fixture,
  mib,
  placeholder,
  seedConversation,
  settledMemory,
  startChild,
  writeResult,
} from "./fixtures/helpers"

// Load: 50 concurrent writers, each committing 200 messages one session at a time, on one data
// source (a pool of DEFAULT_POOL_SIZE connections on a server, one connection on SQLite). Every
// row arrives, nothing fails, the pool never grows past its size and ends whole, and the heap
// after the run (after a full GC) is within a fixed bound of the heap after a warm-up. And two
// processes writing one SQLite file at once both finish without "database is locked".

const WRITERS = 50
const PER_WRITER = 200
const WARM_UP_PER_WRITER = 20
/** How much the heap may grow from after the warm-up to after the run, both after a full GC. */
const HEAP_GROWTH_BOUND_MB = 8

async function messagesLike(dataSource: DataSource, projectId: string): Promise<number> {
  const rows: Array<{ n: number | string }> = await dataSource.query(
    `SELECT COUNT(*) AS n FROM message WHERE project_id = ${placeholder(dataSource, 1)}`,
    [projectId],
  )
  return Number(rows[0]!.n)
}

async function serverConnections(db: TestDatabase): Promise<number> {
  if (db.kind === "sqlite") return 1
  const rows: Array<{ n: number | string }> =
    db.kind === "postgres"
      ? await db.dataSource.query(
          "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
      : await db.dataSource.query(
          "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()",
        )
  return Number(rows[0]!.n)
}

function poolIsWhole(db: TestDatabase, dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as {
    databaseConnection?: { inTransaction: boolean }
    connectedQueryRunners?: unknown[]
    pool?: { _allConnections: { length: number }; _freeConnections: { length: number } }
  }
  if (db.kind === "sqlite") expect(driver.databaseConnection!.inTransaction).toBe(false)
  else if (db.kind === "postgres") expect(driver.connectedQueryRunners).toHaveLength(0)
  else expect(driver.pool!._freeConnections.length).toBe(driver.pool!._allConnections.length)
}

async function writeAll(
  dataSource: DataSource,
  conversation: Conversation,
  perWriter: number,
  tag: string,
): Promise<string[]> {
  const ids: string[] = []
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      for (let i = 0; i < perWriter; i += 1) {
        const id = await withTransaction(
          (session) =>
            Promise.resolve(
              session.add(
                Object.assign(new Message(), {
                  type: "textmessage",
                  content: JSON.stringify({ text: `${tag} writer ${writer} message ${i}` }),
                  prompt: `${tag} ${writer}`,
                  projectId: conversation.projectId,
                  userId: conversation.userId,
                }),
              ).id,
            ),
          dataSource,
        )
        ids.push(id)
      }
    }),
  )
  return ids
}

describeEachDatabase("load", (db) => {
  it(`commits ${WRITERS} concurrent writers x ${PER_WRITER} messages, all there, memory flat`, async () => {
    const dataSource = db().createDataSource()
    await dataSource.initialize()
    const warmUp = await seedConversation(dataSource)
    const conversation = await seedConversation(dataSource)
    await writeAll(dataSource, warmUp, WARM_UP_PER_WRITER, "warm-up")

    const before = await settledMemory()
    let peakConnections = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        peakConnections = Math.max(peakConnections, await serverConnections(db()))
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    const start = performance.now()
    let ids: string[]
    try {
      ids = await writeAll(dataSource, conversation, PER_WRITER, "load")
    } finally {
      sampling = false
      await sampler
    }
    const elapsedMs = Math.round(performance.now() - start)
    const after = await settledMemory()

    const rows = await messagesLike(dataSource, conversation.projectId)
    const present = await existingIds(dataSource, "message", ids)
    poolIsWhole(db(), dataSource)
    await dataSource.destroy()

    const figures = {
      database: db().kind,
      writers: WRITERS,
      perWriter: PER_WRITER,
      rows,
      elapsedMs,
      commitsPerSecond: Math.round((rows / elapsedMs) * 1000),
      poolSize: db().kind === "sqlite" ? 1 : DEFAULT_POOL_SIZE,
      peakServerConnections: peakConnections,
      heapUsedBeforeMB: mib(before.heapUsed),
      heapUsedAfterMB: mib(after.heapUsed),
      heapGrowthMB: mib(after.heapUsed - before.heapUsed),
      rssBeforeMB: mib(before.rss),
      rssAfterMB: mib(after.rss),
      heapGrowthBoundMB: HEAP_GROWTH_BOUND_MB,
    }
    writeResult(`load-${db().kind}`, figures)
    process.stdout.write(
      `[load ${db().kind}] ${rows} rows in ${elapsedMs} ms (${figures.commitsPerSecond}/s), peak ${peakConnections} connections; heap ${figures.heapUsedBeforeMB} -> ${figures.heapUsedAfterMB} MB, rss ${figures.rssBeforeMB} -> ${figures.rssAfterMB} MB\n`,
    )

    expect(ids).toHaveLength(WRITERS * PER_WRITER)
    expect(new Set(ids).size).toBe(WRITERS * PER_WRITER)
    expect(rows).toBe(WRITERS * PER_WRITER)
    expect(present.size).toBe(WRITERS * PER_WRITER)
    if (db().kind !== "sqlite") expect(peakConnections).toBeLessThanOrEqual(DEFAULT_POOL_SIZE)
    expect(after.heapUsed - before.heapUsed).toBeLessThan(HEAP_GROWTH_BOUND_MB * 1024 * 1024)
  })
})

describeEachDatabase(
  "load: two processes on one SQLite file",
  (db) => {
    const PER_PROCESS = 5_000

    it(`lets two processes commit ${PER_PROCESS} messages each to the same file`, async () => {
      const conversation = await seedConversation(db().dataSource)
      const children = ["first", "second"].map((name) =>
        startChild(
          fixture("sqlite-writer.ts"),
          [conversation.projectId, conversation.userId, name, String(PER_PROCESS)],
          { REL_DB_ENV: JSON.stringify(db().env) },
        ),
      )
      try {
        await Promise.all(children.map((child) => child.waitForLine((line) => line === "ready")))
        const start = performance.now()
        for (const child of children) child.process.stdin.end("go\n")
        const exits = await Promise.all(children.map((child) => child.exited))
        const elapsedMs = Math.round(performance.now() - start)
        expect(exits.map((exit, i) => ({ ...exit, stderr: children[i]!.stderr() }))).toEqual([
          { code: 0, signal: null, stderr: "" },
          { code: 0, signal: null, stderr: "" },
        ])
        const ids = children.flatMap((child) =>
          child.lines.filter((line) => /^[0-9a-f-]{36}$/.test(line)),
        )
        expect(ids).toHaveLength(2 * PER_PROCESS)
        // They wrote at the same time: each started before the other finished.
        const [first, second] = children.map((child) =>
          child.lines
            .find((line) => line.startsWith("span "))!
            .split(" ")
            .slice(1)
            .map(Number),
        )
        expect(first![0]!).toBeLessThan(second![1]!)
        expect(second![0]!).toBeLessThan(first![1]!)
        const check = createDataSource({ env: db().env })
        await check.initialize()
        try {
          expect(await check.query("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }])
          expect((await existingIds(check, "message", ids)).size).toBe(2 * PER_PROCESS)
          expect(await messagesLike(check, conversation.projectId)).toBe(2 * PER_PROCESS)
        } finally {
          await check.destroy()
        }
        const figures = {
          database: "sqlite",
          processes: 2,
          perProcess: PER_PROCESS,
          rows: 2 * PER_PROCESS,
          elapsedMs,
          busyTimeoutMs: 5000,
        }
        writeResult("load-sqlite-two-processes", figures)
        process.stdout.write(
          `[load sqlite, 2 processes] ${figures.rows} rows in ${elapsedMs} ms, no "database is locked"\n`,
        )
      } finally {
        for (const child of children) {
          if (child.process.exitCode === null && child.process.signalCode === null) {
            child.process.kill("SIGKILL")
            await child.exited
          }
        }
      }
    })
  },
  { only: ["sqlite"] },
)
