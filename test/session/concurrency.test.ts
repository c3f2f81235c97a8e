import type { DataSource } from "typeorm"
import { Session, UniqueViolationError, User, withTransaction } from "../../src"
import { describeEachDatabase, type TestDatabase } from "../support/databases"
import { make, unique } from "../support/graph"

async function expectPoolWhole(
  db: TestDatabase,
  dataSource: DataSource = db.dataSource,
): Promise<void> {
  if (db.kind === "sqlite") {
    const connection = (
      dataSource.driver as unknown as { databaseConnection: { inTransaction: boolean } }
    ).databaseConnection
    expect(connection.inTransaction).toBe(false)
    return
  }
  if (db.kind === "postgres") {
    const runners = (dataSource.driver as unknown as { connectedQueryRunners: unknown[] })
      .connectedQueryRunners
    expect(runners).toHaveLength(0)
    const rows: unknown[] = await dataSource.query(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
    )
    expect(rows).toEqual([])
    return
  }
  const pool = (
    dataSource.driver as unknown as {
      pool: { _allConnections: { length: number }; _freeConnections: { length: number } }
    }
  ).pool
  expect(pool._freeConnections.length).toBe(pool._allConnections.length)
  // Open transactions of this test's database only: other test files share the server.
  const rows: unknown[] = await dataSource.query(
    "SELECT t.trx_id FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.db = DATABASE() AND p.id <> CONNECTION_ID()",
  )
  expect(rows).toEqual([])
}

async function countByPrefix(dataSource: DataSource, prefix: string): Promise<number> {
  const rows: Array<{ n: number | string }> = await dataSource.query(
    `SELECT COUNT(*) AS n FROM ${dataSource.driver.escape("user")} WHERE email LIKE ${dataSource.options.type === "postgres" ? "$1" : "?"}`,
    [`${prefix}%`],
  )
  return Number(rows[0]!.n)
}

describeEachDatabase("Session concurrency", (db) => {
  it("keeps exactly the rows of 200 concurrent transactions that returned, when one in ten throws", async () => {
    const { dataSource } = db()
    const prefix = unique("conc")
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        withTransaction(async (session) => {
          session.add(make(User, { email: `${prefix}-${i}@example.com` }))
          await session.flush()
          await new Promise((resolve) => setImmediate(resolve))
          if (i % 10 === 0) throw new Error(`planned failure ${i}`)
        }, dataSource),
      ),
    )
    // Exactly the transactions numbered 0, 10, 20… failed, each with its own error…
    expect(
      results.map((result) => (result.status === "rejected" ? String(result.reason) : "ok")),
    ).toEqual(
      Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? `Error: planned failure ${i}` : "ok")),
    )
    // …and the rows are exactly those of the others: none missing, none of a failed one.
    const rows = await dataSource
      .getRepository(User)
      .createQueryBuilder("u")
      .select("u.email", "email")
      .where("u.email LIKE :prefix", { prefix: `${prefix}-%` })
      .getRawMany<{ email: string }>()
    expect(rows.map((row) => row.email).sort()).toEqual(
      Array.from({ length: 200 }, (_, i) => i)
        .filter((i) => i % 10 !== 0)
        .map((i) => `${prefix}-${i}@example.com`)
        .sort(),
    )
    await expectPoolWhole(db())
  })

  it("leaves the pool whole after 1,000 sessions, some failing and some closed without commit", async () => {
    const { dataSource } = db()
    const prefix = unique("pool")
    const taken = `${prefix}-taken@example.com`
    await withTransaction(
      (session) => Promise.resolve(void session.add(make(User, { email: taken }))),
      dataSource,
    )
    let committed = 0
    let failed = 0
    const work = Array.from({ length: 1000 }, async (_, i) => {
      const session = new Session(dataSource)
      try {
        if (i % 4 === 0) {
          session.add(make(User, { email: taken }))
          await session.commit().catch((error: unknown) => {
            if (!(error instanceof UniqueViolationError)) throw error
            failed += 1
          })
        } else if (i % 4 === 1) {
          session.add(make(User, { email: `${prefix}-open-${i}@example.com` }))
          await session.flush()
        } else if (i % 4 === 2) {
          await session.find(User, { where: { email: taken } })
        } else {
          session.add(make(User, { email: `${prefix}-done-${i}@example.com` }))
          await session.commit()
          committed += 1
        }
      } finally {
        await session.close()
      }
    })
    await Promise.all(work)
    expect(failed).toBe(250)
    expect(committed).toBe(250)
    expect(await countByPrefix(dataSource, `${prefix}-open`)).toBe(0)
    expect(await countByPrefix(dataSource, `${prefix}-done`)).toBe(250)
    await expectPoolWhole(db())
  })

  it("leaves no row behind when a session on a one-connection pool closes without commit", async () => {
    const single = db().createDataSource({ poolSize: 1 })
    await single.initialize()
    const email = `${unique("single")}@example.com`
    const session = new Session(single)
    session.add(make(User, { email }))
    await session.flush()
    await session.close()
    await withTransaction(async (next) => {
      expect(await next.findOne(User, { where: { email } })).toBeNull()
    }, single)
    expect(await countByPrefix(single, email)).toBe(0)
    await expectPoolWhole(db(), single)
  })

  it("never interleaves concurrent sessions' transactions", async () => {
    const { dataSource } = db()
    const prefix = unique("serial")
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await using session = new Session(dataSource)
        session.add(make(User, { email: `${prefix}-${i}@example.com` }))
        await session.flush()
        await new Promise((resolve) => setTimeout(resolve, i % 3))
        if (i % 2 === 0) {
          await session.rollback()
          return false
        }
        await session.commit()
        return true
      }),
    )
    expect(outcomes.filter(Boolean)).toHaveLength(20)
    expect(await countByPrefix(dataSource, prefix)).toBe(20)
    await expectPoolWhole(db())
  })
})

describeEachDatabase(
  "Session parallelism on a server",
  (db) => {
    it("runs two sessions' transactions at the same time on pooled connections", async () => {
      const { dataSource } = db()
      const first = new Session(dataSource)
      const second = new Session(dataSource)
      first.add(make(User, { email: `${unique("p1")}@example.com` }))
      await first.flush()
      // With `first` still open, `second` commits: no lock between them.
      second.add(make(User, { email: `${unique("p2")}@example.com` }))
      await second.commit()
      expect(first.isActive).toBe(true)
      await first.commit()
      await Promise.all([first.close(), second.close()])
      await expectPoolWhole(db())
    })
  },
  { only: ["postgres", "mariadb"] },
)
