import type { DataSource, Logger } from "typeorm"
import {
  ConnectionError,
  createDataSource,
  Session,
  SessionStateError,
  User,
  withSession,
} from "../../src"
import { replicaDataSource } from "../../src/internal/replica-pools"
import { describeEachDatabase, type TestDatabase } from "../support/databases"
import { make, unique } from "../support/graph"
import { dataStatements, QueryLog } from "../support/query-log"
import { TcpProxy } from "../reliability/fixtures/helpers"

const log = new QueryLog()

/** A TypeORM logger keeping the lines logged through `log(level, message)`. */
class LineLog implements Logger {
  readonly lines: string[] = []
  log(level: "log" | "info" | "warn", message: unknown): void {
    this.lines.push(`${level}: ${String(message)}`)
  }
  logQuery(): void {}
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
}

async function committedUser(dataSource: DataSource, firstName = "Ada"): Promise<User> {
  const user = make(User, { email: `${unique("ro")}@example.com`, firstName })
  await withSession(async (session) => {
    session.add(user)
    await session.commit()
  }, dataSource)
  return user
}

/** The user's row as the database holds it, read outside any session. */
function stored(dataSource: DataSource, email: string): Promise<User | null> {
  return dataSource.getRepository(User).findOneBy({ email })
}

function insertSql(db: TestDatabase, email: string): string {
  const q = db.kind === "mariadb" ? "`" : '"'
  const id = db.kind === "sqlite" ? `'${email}'` : "'00000000-0000-4000-8000-000000000001'"
  return `INSERT INTO ${q}user${q} (${q}id${q}, ${q}email${q}) VALUES (${id}, '${email}')`
}

describeEachDatabase(
  "Session readOnly",
  (db) => {
    const readOnly = () => new Session(db().dataSource, { readOnly: true })

    it("reads what was committed, as any session does", async () => {
      const user = await committedUser(db().dataSource)
      // SQLite: one session at a time, so this one closes before withSession opens another.
      {
        await using session = readOnly()
        expect((await session.get(User, user.id))?.email).toBe(user.email)
        expect(await session.find(User, { where: { email: user.email } })).toHaveLength(1)
      }
      const found = await withSession(
        (s) => s.findOne(User, { where: { id: user.id } }),
        db().dataSource,
        { readOnly: true },
      )
      expect(found?.firstName).toBe("Ada")
    })

    it("refuses add and delete at once, before it connects", async () => {
      const user = await committedUser(db().dataSource)
      await using session = readOnly()
      const email = `${unique("ro-add")}@example.com`
      expect(() => session.add(make(User, { email }))).toThrow(SessionStateError)
      expect(() => session.delete(user)).toThrow(/Session.delete was refused: .*readOnly/)
      expect(session.isActive).toBe(false)
      await session.commit()
      expect(await stored(db().dataSource, email)).toBeNull()
      expect(await stored(db().dataSource, user.email)).not.toBeNull()
    })

    it("refuses to flush or commit a change to an entity it read, sending no write", async () => {
      const { email } = await committedUser(db().dataSource)
      await using session = readOnly()
      const user = (await session.findOne(User, { where: { email } }))!
      user.firstName = "Grace"
      const sent = await log.capture(async () => {
        await expect(session.flush()).rejects.toThrow(SessionStateError)
        await expect(session.commit()).rejects.toThrow(/Session.flush \(changes to a User\)/)
        // A read flushes first: refused the same way.
        await expect(session.find(User, { where: { email } })).rejects.toThrow(SessionStateError)
      })
      expect(dataStatements(sent)).toEqual([])
      expect((await stored(db().dataSource, email))?.firstName).toBe("Ada")
      // rollback() drops the change, and the session reads again.
      await session.rollback()
      expect(user.firstName).toBe("Ada")
      expect(await session.find(User, { where: { email } })).toHaveLength(1)
    })

    it("refuses manager writes and raw SQL that writes, sending nothing", async () => {
      const user = await committedUser(db().dataSource)
      const email = `${unique("ro-manager")}@example.com`
      await using session = readOnly()
      const sent = await log.capture(async () => {
        const refusals = [
          session.manager.save(make(User, { email })),
          session.manager.insert(User, { email }),
          session.manager.update(User, { id: user.id }, { firstName: "Grace" }),
          session.manager.delete(User, { id: user.id }),
          session.manager.increment(User, { id: user.id }, "firstName", 1),
          session.manager.query(insertSql(db(), email)),
          session.manager.query(`  /* note */ DELETE FROM user WHERE id = 'x'`),
        ]
        for (const refusal of refusals) await expect(refusal).rejects.toThrow(SessionStateError)
      })
      expect(sent).toEqual([])
      expect(await stored(db().dataSource, email)).toBeNull()
      expect((await stored(db().dataSource, user.email))?.firstName).toBe("Ada")
      // Reads through the manager still work.
      const rows = await session.manager.query<{ n: unknown }[]>(
        `SELECT COUNT(*) AS n FROM ${db().kind === "mariadb" ? "`user`" : '"user"'}`,
      )
      expect(Number(rows[0]!.n)).toBeGreaterThan(0)
    })
  },
  { extra: { logging: true, logger: log } },
)

describeEachDatabase(
  "Session readOnly on a server",
  (db) => {
    it("reads in a READ ONLY transaction, which refuses a write slipping past the session", async () => {
      await using session = new Session(db().dataSource, { readOnly: true })
      await session.find(User, { take: 1 })
      expect(session.inTransaction).toBe(true)
      const email = `${unique("ro-server")}@example.com`
      // The open transaction's own query runner is not guarded by the session: the server is.
      const runner = session.manager.queryRunner!
      await expect(runner.query(insertSql(db(), email))).rejects.toThrow(/read.only/i)
      await session.rollback()
      expect(await stored(db().dataSource, email)).toBeNull()
    })

    it("keeps every transaction READ ONLY under DB_STATEMENT_TIMEOUT_MS, which opens the first at once on PostgreSQL", async () => {
      const dataSource = createDataSource({ env: { ...db().env, DB_STATEMENT_TIMEOUT_MS: "5000" } })
      try {
        await using session = new Session(dataSource, { readOnly: true })
        const email = `${unique("ro-timeout")}@example.com`
        for (let transaction = 0; transaction < 2; transaction++) {
          await session.find(User, { take: 1 })
          const runner = session.manager.queryRunner!
          if (db().kind === "postgres") {
            const [row] =
              await session.manager.query<{ statement_timeout: string }[]>("SHOW statement_timeout")
            expect(row?.statement_timeout).toBe("5s")
          }
          await expect(runner.query(insertSql(db(), email))).rejects.toThrow(/read.only/i)
          await session.rollback()
        }
        expect(await stored(db().dataSource, email)).toBeNull()
      } finally {
        await dataSource.destroy()
      }
    })
  },
  { only: ["postgres", "mariadb"] },
)

describeEachDatabase(
  "Session readOnly with DB_READ_REPLICAS",
  (db) => {
    const opened: DataSource[] = []
    const withReplicas = (replicas: string, logger?: Logger): DataSource => {
      const env = { ...db().env, DB_READ_REPLICAS: replicas }
      const dataSource = createDataSource({ env, logger })
      opened.push(dataSource)
      return dataSource
    }
    afterAll(async () => {
      for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy()
    })

    it("falls back to the primary, with no error and one warning, when its replica refuses connections", async () => {
      const lines = new LineLog()
      const dataSource = withReplicas("127.0.0.1:1", lines)
      const user = await committedUser(dataSource)
      for (let i = 0; i < 3; i++) {
        await using session = new Session(dataSource, { readOnly: true })
        expect((await session.get(User, user.id))?.email).toBe(user.email)
      }
      expect(replicaDataSource(dataSource, 0)?.isInitialized).toBe(false)
      // One line for the replica going out of service, not one per session.
      expect(lines.lines).toEqual([
        expect.stringMatching(
          /^warn: concrete-db: read replica 127\.0\.0\.1:1 failed \(.*ECONNREFUSED.*\) and is left out for 5 s/,
        ),
      ])
    })

    it("names the replica, not the primary, when the replica's connection drops", async () => {
      // A replica reached through a proxy to the primary's server, so it can be cut off.
      const proxy = new TcpProxy(String(db().env.DB_HOST), Number(db().env.DB_PORT))
      await proxy.open()
      try {
        const lines = new LineLog()
        const dataSource = withReplicas(`127.0.0.1:${proxy.port}`, lines)
        const user = await committedUser(dataSource)
        await using reading = new Session(dataSource, { readOnly: true })
        await using querying = new Session(dataSource, { readOnly: true })
        for (const session of [reading, querying]) {
          expect(await session.get(User, user.id)).not.toBeNull()
          expect(session.manager.queryRunner?.connection.options).toMatchObject({
            port: proxy.port,
          })
        }
        await proxy.close()

        // A read of the session's own runs again on the primary; the replica is reported once.
        expect(await reading.find(User, { where: { email: user.email } })).toHaveLength(1)
        // A manager call fails, naming the server that failed (the password masked).
        const failed = querying.manager.query("SELECT 1")
        await expect(failed).rejects.toThrow(ConnectionError)
        await expect(failed).rejects.toThrow(`@127.0.0.1:${proxy.port}/`)
        expect(lines.lines).toEqual([
          expect.stringMatching(
            new RegExp(`^warn: concrete-db: read replica 127\\.0\\.0\\.1:${proxy.port} failed \\(`),
          ),
        ])
      } finally {
        await proxy.close()
      }
    })

    it("reads from the replica's pool, which is closed with the data source", async () => {
      // The primary's own address, listed as a replica: reads go through a pool of their own.
      const { DB_HOST, DB_PORT } = db().env
      const dataSource = withReplicas(`${DB_HOST}:${DB_PORT}`)
      const user = await committedUser(dataSource)
      await using session = new Session(dataSource, { readOnly: true })
      expect((await session.get(User, user.id))?.email).toBe(user.email)
      const replica = replicaDataSource(dataSource, 0)
      expect(replica?.isInitialized).toBe(true)
      await session.close()
      await dataSource.destroy()
      expect(replica?.isInitialized).toBe(false)
    })
  },
  { only: ["postgres"] },
)
