import type { DataSource } from "typeorm"
import { Message, Session, createDataSource, migrate } from "../../src"
import { PROGRESS_TABLE } from "../../src/internal/interrupted-migrations"
import { describeEachDatabase } from "../support/databases"
import {
  fixture,
  freshDatabase,
  seedConversation,
  startChild,
  writeResult,
} from "./fixtures/helpers"

// MariaDB's DDL is not transactional: a process killed (kill -9) in the middle of the first
// migration leaves the tables it had created. Here the migration is killed once after every
// statement it sends, each time on a fresh database; the next start (a plain data source and
// migrate()) must then finish the schema, and a Session must be able to write.

const CHILD = fixture("interrupted-migrate-child.ts")
const BUILT_IN = ["InitialSchema1764230400000", "MessageStatusCheck1795910400000"]
// Every boundary by default; REL_KILL_EVERY=k (a quicker local run) tries every k-th one only.
const EVERY = Math.max(1, Number(process.env.REL_KILL_EVERY ?? 1))

/** A child on a fresh database, loaded and connected, waiting to migrate (see `go`). */
interface Prepared {
  readonly database: Awaited<ReturnType<typeof freshDatabase>>
  go(): Promise<{ signal: string | null; out: string }>
  /** Ends the child (if it still runs) and drops its database. */
  abort(): Promise<void>
}

/** With `killAfter`, the child SIGKILLs itself once that many statements have run. */
async function prepare(kind: "mariadb", killAfter?: number): Promise<Prepared> {
  const database = await freshDatabase(kind)
  const child = startChild(CHILD, [], {
    REL_DB_ENV: JSON.stringify(database.env),
    ...(killAfter === undefined ? {} : { REL_KILL_AFTER: String(killAfter) }),
  })
  await child.waitForLine((line) => line === "ready")
  return {
    database,
    async go() {
      child.process.stdin.write("go\n")
      const { code, signal } = await child.exited
      if (signal === null && code !== 0)
        throw new Error(`child failed (${code}): ${child.stderr()}`)
      return { signal, out: child.lines.join("\n") }
    },
    async abort() {
      child.process.kill("SIGKILL")
      await child.exited
      await database.drop()
    },
  }
}

async function assertUsable(dataSource: DataSource, label: string): Promise<void> {
  const pending = await dataSource.driver.createSchemaBuilder().log()
  expect({ label, changes: pending.upQueries.map((query) => query.query) }).toEqual({
    label,
    changes: [],
  })
  const applied = await dataSource.query<Array<{ name: string }>>(
    "SELECT name FROM migrations ORDER BY id",
  )
  expect({ label, applied: applied.map((row) => row.name) }).toEqual({ label, applied: BUILT_IN })
  const tables = await dataSource.query<unknown[]>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    [PROGRESS_TABLE],
  )
  expect({ label, progressTable: tables.length }).toEqual({ label, progressTable: 0 })
  // A Session writes: a user, orchestrator, operator and project, then a message.
  const conversation = await seedConversation(dataSource)
  {
    await using session = new Session(dataSource)
    session.add(
      Object.assign(new Message(), {
        type: "textmessage",
        content: JSON.stringify({ text: label }),
        projectId: conversation.projectId,
        userId: conversation.userId,
      }),
    )
    await session.commit()
  }
  const [row] = await dataSource.query<Array<{ n: unknown }>>("SELECT COUNT(*) AS n FROM message")
  expect({ label, messages: Number(row!.n) }).toEqual({ label, messages: 1 })
}

describeEachDatabase(
  "a migration killed after any statement",
  () => {
    it("is finished by the next start, whatever statement it was killed after", async () => {
      const started = Date.now()
      // How many statements a whole run sends.
      const counting = await prepare("mariadb")
      let total: number
      try {
        const { out } = await counting.go()
        total = Number(/statements (\d+)/.exec(out)?.[1])
      } finally {
        await counting.database.drop()
      }
      expect(total).toBeGreaterThan(40)

      const killed: number[] = []
      // The next child loads while the current database is checked.
      // A fresh database per boundary: minutes for the whole migration (see the result file).
      const points = Array.from({ length: total - 1 }, (_, index) => index + 1).filter(
        (n) => (n - 1) % EVERY === 0,
      )
      let next: Promise<Prepared> | undefined = prepare("mariadb", points[0])
      try {
        for (const [index, n] of points.entries()) {
          const current: Prepared = await next!
          next = undefined
          try {
            const { signal } = await current.go()
            if (index + 1 < points.length) next = prepare("mariadb", points[index + 1])
            if (signal === "SIGKILL") killed.push(n)
            const dataSource = createDataSource({ env: current.database.env })
            await dataSource.initialize()
            try {
              await migrate(dataSource)
              await assertUsable(dataSource, `killed after ${n} of ${total}`)
            } finally {
              await dataSource.destroy()
            }
          } finally {
            await current.database.drop()
          }
        }
      } finally {
        // A failure above leaves the next child waiting: end it and drop its database.
        await next?.then((prepared) => prepared.abort())
      }
      // Every run but the last was really killed: the hook counts what migrate() sends.
      expect(killed).toEqual(points)
      writeResult("interrupted-migration", {
        statements: total,
        runs: points.length,
        seconds: Math.round((Date.now() - started) / 1000),
      })
    }, 3_600_000)
  },
  { only: ["mariadb"] },
)
