import type { DataSource } from "typeorm"
import {
  CommitOutcomeUnknownError,
  createDataSource,
  Session,
  StatementTimeoutError,
  User,
  withSession,
  withTransaction,
  type Env,
} from "../src"
import { describeEachDatabase, type TestDatabase } from "./support/databases"
import { make, unique } from "./support/graph"

// Server databases only: SQLite has one writer, no pool, no backends to terminate.
describeEachDatabase(
  "withTransaction under transient failures",
  (db) => {
    const opened: DataSource[] = []
    afterAll(async () => {
      for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy()
    })

    async function open(env: Env = {}): Promise<DataSource> {
      const dataSource = createDataSource({ env: { ...db().env, ...env } })
      opened.push(dataSource)
      return dataSource.initialize()
    }

    const pg = () => db().kind === "postgres"
    const p = (n: number) => (pg() ? `$${n}` : "?")
    const backendIdSql = () =>
      pg() ? "SELECT pg_backend_pid() AS id" : "SELECT CONNECTION_ID() AS id"

    // From another connection, the way an operator (or a failover) would.
    async function terminate(id: number): Promise<void> {
      if (pg()) await db().dataSource.query("SELECT pg_terminate_backend($1)", [id])
      else await db().dataSource.query(`KILL ${Number(id)}`)
    }

    async function usersWith(prefix: string): Promise<string[]> {
      const rows: Array<{ email: string }> = await db().dataSource.query(
        `SELECT email FROM ${db().dataSource.driver.escape("user")} WHERE email LIKE ${p(1)} ORDER BY email`,
        [`${prefix}%`],
      )
      return rows.map((row) => row.email)
    }

    beforeAll(async () => {
      await db().dataSource.query(
        "CREATE TABLE resilience_counter (id INT PRIMARY KEY, n INT NOT NULL)",
      )
    })

    async function counters(...ids: number[]): Promise<number[]> {
      const rows: Array<{ id: number; n: number }> = await db().dataSource.query(
        `SELECT id, n FROM resilience_counter WHERE id IN (${ids.map((_, i) => p(i + 1)).join(", ")}) ORDER BY id`,
        ids,
      )
      return rows.map((row) => Number(row.n))
    }

    it("completes a transaction whose backend was terminated mid-way, and the rows are exact", async () => {
      const prefix = unique("terminated")
      let runs = 0
      await withTransaction(async (session) => {
        runs++
        session.add(make(User, { email: `${prefix}-a@example.com` }))
        await session.flush()
        if (runs === 1) {
          const [row] = await session.manager.query<Array<{ id: number }>>(backendIdSql())
          await terminate(Number(row!.id))
        }
        session.add(make(User, { email: `${prefix}-b@example.com` }))
      }, db().dataSource)
      expect(runs).toBe(2)
      expect(await usersWith(prefix)).toEqual([
        `${prefix}-a@example.com`,
        `${prefix}-b@example.com`,
      ])
    })

    it("completes every one of 12 concurrent conflicting increments, and the counter is exact", async () => {
      const dataSource = await open({ DB_TRANSACTION_RETRIES: "40" })
      await db().dataSource.query("INSERT INTO resilience_counter (id, n) VALUES (1, 0)")
      let runs = 0
      await Promise.all(
        Array.from({ length: 12 }, () =>
          withTransaction(async (session) => {
            runs++
            const manager = session.manager
            // PostgreSQL: SERIALIZABLE fails all but one of the increments that read the same
            // value (40001); MariaDB: the shared locks of REPEATABLE READ readers make their
            // updates deadlock (1213).
            if (pg()) await manager.query("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
            const [row] = await manager.query<Array<{ n: number }>>(
              `SELECT n FROM resilience_counter WHERE id = 1${pg() ? "" : " LOCK IN SHARE MODE"}`,
            )
            await new Promise((resolve) => setTimeout(resolve, 5))
            await manager.query(`UPDATE resilience_counter SET n = ${p(1)} WHERE id = 1`, [
              Number(row!.n) + 1,
            ])
          }, dataSource),
        ),
      )
      expect(await counters(1)).toEqual([12])
      // The increments did conflict: some ran more than once.
      expect(runs).toBeGreaterThan(12)
    })

    it("retries the victim of a deadlock (rows locked in opposite orders): both complete", async () => {
      await db().dataSource.query("INSERT INTO resilience_counter (id, n) VALUES (2, 0), (3, 0)")
      let arrived = 0
      let release!: () => void
      const bothHoldOneRow = new Promise<void>((resolve) => (release = resolve))
      let runs = 0
      const increment = (first: number, second: number) =>
        withTransaction(async (session) => {
          runs++
          const update = `UPDATE resilience_counter SET n = n + 1 WHERE id = ${p(1)}`
          await session.manager.query(update, [first])
          if (++arrived === 2) release()
          await bothHoldOneRow
          await session.manager.query(update, [second])
        }, db().dataSource)
      await Promise.all([increment(2, 3), increment(3, 2)])
      expect(await counters(2, 3)).toEqual([2, 2])
      expect(runs).toBe(3)
    })

    it("gives the next session a working connection when the pooled ones were terminated while idle", async () => {
      const dataSource = await open({ DB_POOL_SIZE: "4" })
      for (let round = 0; round < 3; round++) {
        // Four sessions at once: four connections in the pool, each then terminated.
        const ids = await Promise.all(
          Array.from({ length: 4 }, () =>
            withSession(async (session) => {
              const [row] = await session.manager.query<Array<{ id: number }>>(backendIdSql())
              await new Promise((resolve) => setTimeout(resolve, 20))
              return Number(row!.id)
            }, dataSource),
          ),
        )
        // The pool would notice a closed connection as soon as its socket is read; it does not
        // when the connection is taken first, the case this proves: the sockets stay unread
        // until a session takes them.
        holdIdleSocketsUntilTaken(dataSource, db())
        await Promise.all(ids.map(terminate))
        await new Promise((resolve) => setTimeout(resolve, 100))
        const prefix = unique("after-kill")
        // A session by hand, not withTransaction: nothing retries it.
        const session = new Session(dataSource)
        try {
          session.add(make(User, { email: `${prefix}@example.com` }))
          await session.commit()
        } finally {
          await session.close()
        }
        expect(await usersWith(prefix)).toEqual([`${prefix}@example.com`])
      }
    })

    it("reports a COMMIT whose connection dropped right after it was sent as an unknown outcome, never retried", async () => {
      const dataSource = await open()
      dropConnectionAfter("COMMIT", dataSource, db())
      const prefix = unique("unknown")
      let runs = 0
      // Two rows: a commit of one statement sends it alone (see the next test).
      const failure = await withTransaction((session) => {
        runs++
        session.add(make(User, { email: `${prefix}-1@example.com` }))
        session.add(make(User, { email: `${prefix}-2@example.com` }))
        return Promise.resolve()
      }, dataSource).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(CommitOutcomeUnknownError)
      expect((failure as Error).message).toMatch(
        /was lost after COMMIT was sent, so whether the transaction was committed is unknown/,
      )
      expect(runs).toBe(1)
    })

    it("reports a commit of one statement whose connection dropped right after it was sent as an unknown outcome, never retried", async () => {
      const dataSource = await open()
      dropConnectionAfter("INSERT", dataSource, db())
      const prefix = unique("alone")
      let runs = 0
      const failure = await withTransaction((session) => {
        runs++
        return Promise.resolve(session.add(make(User, { email: `${prefix}@example.com` })))
      }, dataSource).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(CommitOutcomeUnknownError)
      expect((failure as Error).message).toMatch(
        /was lost after the statement it committed by itself was sent, so whether the transaction was committed is unknown/,
      )
      expect(runs).toBe(1)
    })

    it("cancels a statement past DB_STATEMENT_TIMEOUT_MS with a StatementTimeoutError and keeps nothing of its transaction", async () => {
      const dataSource = await open({ DB_STATEMENT_TIMEOUT_MS: "300" })
      const prefix = unique("timeout")
      let runs = 0
      const started = Date.now()
      const failure = await withTransaction(async (session) => {
        runs++
        session.add(make(User, { email: `${prefix}@example.com` }))
        await session.flush()
        await session.manager.query(pg() ? "SELECT pg_sleep(2)" : "SELECT SLEEP(2)")
      }, dataSource).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(StatementTimeoutError)
      expect(Date.now() - started).toBeLessThan(1_800)
      expect(runs).toBe(1)
      expect(await usersWith(prefix)).toEqual([])
      // Shorter statements run as usual, reads outside a write included.
      const rows = await withSession(
        (session) => session.find(User, { where: { email: `${prefix}@example.com` } }),
        dataSource,
      )
      expect(rows).toEqual([])
    })
  },
  { only: ["postgres", "mariadb"] },
)

type Stream = { pause(): void; resume(): void }

/** Pauses the sockets of the idle connections of `dataSource`'s pool until each is taken. */
function holdIdleSocketsUntilTaken(dataSource: DataSource, db: TestDatabase): void {
  const driver = dataSource.driver as unknown as {
    master?: NodeJS.EventEmitter & { _idle: Array<{ client: { connection: { stream: Stream } } }> }
    pool?: NodeJS.EventEmitter & { _freeConnections: { toArray(): Array<{ stream: Stream }> } }
  }
  const pool = db.kind === "postgres" ? driver.master! : driver.pool!
  const streams =
    db.kind === "postgres"
      ? driver.master!._idle.map((item) => item.client.connection.stream)
      : driver.pool!._freeConnections.toArray().map((connection) => connection.stream)
  for (const stream of streams) stream.pause()
  pool.on("acquire", () => {
    for (const stream of streams) stream.resume()
  })
}

/** Makes every COMMIT of `dataSource` close its socket right after the statement was written. */
/** Destroys the socket of a session's connection right after a statement starting with `start` is sent. */
function dropConnectionAfter(start: string, dataSource: DataSource, db: TestDatabase): void {
  type Socket = { destroy(): void }
  if (db.kind === "postgres") {
    const pool = (dataSource.driver as unknown as { master: NodeJS.EventEmitter }).master
    pool.on(
      "acquire",
      (client: { query: (...args: unknown[]) => unknown; connection: { stream: Socket } }) => {
        const query = client.query.bind(client)
        client.query = (...args: unknown[]) => {
          const result = query(...args)
          // A write goes as text and values, a read as a config object.
          const sql = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text
          if (sql?.startsWith(start)) {
            client.connection.stream.destroy()
          }
          return result
        }
      },
    )
    return
  }
  const pool = (dataSource.driver as unknown as { pool: NodeJS.EventEmitter }).pool
  pool.on("acquire", (connection: { query: (...args: unknown[]) => unknown; stream: Socket }) => {
    const query = connection.query.bind(connection)
    connection.query = (...args: unknown[]) => {
      const result = query(...args)
      // A statement goes as text and values, or as a command (or options) holding its text.
      const sql = typeof args[0] === "string" ? args[0] : (args[0] as { sql?: string }).sql
      if (sql?.startsWith(start)) connection.stream.destroy()
      return result
    }
  })
}
