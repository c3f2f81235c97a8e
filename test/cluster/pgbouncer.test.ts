import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Client } from "pg"
import type { DataSource } from "typeorm"
import {
  migrate,
  Session,
  StatementTimeoutError,
  User,
  withSession,
  withTransaction,
  type Env,
} from "../../src"
import { MIGRATIONS } from "../../migrations"
import { runCli } from "../cli/cli-process"
import { fixture, startChild } from "../reliability/fixtures/helpers"
import {
  CLUSTER,
  clusterEnv,
  createClusterDatabase,
  describeCluster,
  dropClusterDatabase,
  useClusterDatabase,
  primaryQuery,
} from "../support/cluster"

// Everything through PgBouncer in transaction mode (DB_PORT = PgBouncer's port): each
// transaction may get another server connection, so nothing may outlive one.
describeCluster("concrete-db behind PgBouncer (transaction pooling)", () => {
  const fresh = useClusterDatabase()
  let database: string
  let env: Env

  beforeAll(() => {
    database = fresh.name
    env = clusterEnv(database, CLUSTER.bouncerPort)
  })

  async function open(extra: Env = {}): Promise<DataSource> {
    const dataSource = await fresh.open({ env: { ...env, ...extra } })
    // A no-op after the first test; lets any test run on its own.
    await migrate(dataSource)
    return dataSource
  }

  it("applies the automatic migrations once when 4 processes start on a fresh database at once", async () => {
    const children = Array.from({ length: 4 }, () =>
      startChild(fixture("migrate-child.ts"), [], { REL_DB_ENV: JSON.stringify(env) }),
    )
    try {
      await Promise.all(children.map((child) => child.waitForLine((line) => line === "ready")))
      for (const child of children) child.process.stdin.write("go\n")
      const ran = await Promise.all(
        children.map(async (child) => {
          const line = await child.waitForLine((text) => text.startsWith("ran "))
          return JSON.parse(line.slice("ran ".length)) as string[]
        }),
      )
      const names = MIGRATIONS.map((migration) => migration.name)
      expect(ran.filter((list) => list.length > 0)).toEqual([names])
      expect(ran.filter((list) => list.length === 0)).toHaveLength(3)
      const rows = await primaryQuery<{ name: string }>(
        "SELECT name FROM migrations ORDER BY id",
        [],
        CLUSTER.primaryPort,
        database,
      )
      expect(rows.map((row) => row.name)).toEqual(names)
      // The lock went with its transaction: no server connection still holds it.
      const locks = await primaryQuery(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory'",
        [],
        CLUSTER.primaryPort,
        database,
      )
      expect(locks).toEqual([])
    } finally {
      for (const child of children) child.process.kill()
    }
  })

  it("runs sessions and transactions: writes, reads, the manager, nested work", async () => {
    const dataSource = await open()
    const email = `bouncer-${process.pid}@example.com`
    const user = await withTransaction(
      (session) => Promise.resolve(session.add(Object.assign(new User(), { email }))),
      dataSource,
    )
    await withTransaction(async (session) => {
      const found = await session.get(User, user.id)
      found!.firstName = "Ada"
    }, dataSource)
    const read = await withSession(async (session) => {
      const [row] = await session.find(User, { where: { email } })
      const count = await session.manager.count(User)
      return { firstName: row?.firstName, count }
    }, dataSource)
    expect(read).toEqual({ firstName: "Ada", count: 1 })
    // A session that commits several times gets a server connection per transaction.
    await using session = new Session(dataSource)
    for (let i = 0; i < 5; i++) {
      session.add(Object.assign(new User(), { email: `bouncer-${process.pid}-${i}@example.com` }))
      await session.commit()
    }
    expect(await dataSource.query('SELECT COUNT(*)::int AS n FROM "user"')).toEqual([{ n: 6 }])
  })

  it("cancels a statement past DB_STATEMENT_TIMEOUT_MS, in a transaction and in a read-only session", async () => {
    const dataSource = await open({ DB_STATEMENT_TIMEOUT_MS: "300" })
    const email = `timeout-${process.pid}@example.com`
    const failure = await withTransaction(async (session) => {
      session.add(Object.assign(new User(), { email }))
      await session.flush()
      await session.manager.query("SELECT pg_sleep(2)")
    }, dataSource).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(StatementTimeoutError)
    const read = await withSession(
      (session) => session.manager.query("SELECT pg_sleep(2)"),
      dataSource,
    ).catch((error: unknown) => error)
    expect(read).toBeInstanceOf(StatementTimeoutError)
    expect(await dataSource.query('SELECT email FROM "user" WHERE email = $1', [email])).toEqual([])
    // The timeout went with its transaction: a server connection PgBouncer hands to another
    // client (plain node-postgres here) has none.
    const [setting] = await primaryQuery<{ statement_timeout: string }>(
      "SHOW statement_timeout",
      [],
      CLUSTER.bouncerPort,
      database,
    )
    expect(setting?.statement_timeout).toBe("0")
  })

  it("completes a transaction whose server connection was terminated mid-way", async () => {
    const dataSource = await open()
    const email = `terminated-${process.pid}@example.com`
    let runs = 0
    await withTransaction(async (session) => {
      runs++
      session.add(Object.assign(new User(), { email }))
      await session.flush()
      if (runs === 1) {
        const client = (session.manager.queryRunner as unknown as { databaseConnection: Client })
          .databaseConnection
        const lost = new Promise((resolve) => client.once("error", resolve))
        const [row] = await session.manager.query<Array<{ pid: number }>>(
          "SELECT pg_backend_pid() AS pid",
        )
        await primaryQuery("SELECT pg_terminate_backend($1)", [row!.pid])
        // pg_terminate_backend only signals the server process. Until PgBouncer has passed
        // the loss on to this client, COMMIT may still reach the dying connection, and then
        // whether it committed is rightly unknown (CommitOutcomeUnknownError, not retried).
        await lost
      }
    }, dataSource)
    expect(runs).toBe(2)
    expect(await dataSource.query('SELECT email FROM "user" WHERE email = $1', [email])).toEqual([
      { email },
    ])
  })

  it("gives the next sessions working connections after PgBouncer closed every one of them", async () => {
    const dataSource = await open({ DB_POOL_SIZE: "4" })
    const ids = () =>
      Promise.all(
        Array.from({ length: 4 }, () =>
          withSession(async (session) => {
            await session.manager.query("SELECT 1")
            await new Promise((resolve) => setTimeout(resolve, 20))
          }, dataSource),
        ),
      )
    await ids()
    // PgBouncer's admin console: KILL drops every client and server connection of the
    // database (as a restart of PgBouncer would), RESUME lets new ones in.
    const admin = new Client({
      host: CLUSTER.host,
      port: CLUSTER.bouncerPort,
      user: CLUSTER.user,
      database: "pgbouncer",
    })
    await admin.connect()
    try {
      await admin.query(`KILL "${database}"`)
      await admin.query(`RESUME "${database}"`)
    } finally {
      await admin.end()
    }
    for (let i = 0; i < 4; i++) {
      // Sessions by hand: nothing retries them.
      const session = new Session(dataSource)
      try {
        session.add(
          Object.assign(new User(), { email: `after-kill-${process.pid}-${i}@example.com` }),
        )
        await session.commit()
      } finally {
        await session.close()
      }
    }
    const rows = await dataSource.query<Array<{ n: number }>>(
      `SELECT COUNT(*)::int AS n FROM "user" WHERE email LIKE 'after-kill-%'`,
    )
    expect(rows).toEqual([{ n: 4 }])
  })

  it("runs the CLI: demo (with its automatic migrations), status and messages", async () => {
    const fresh = await createClusterDatabase()
    const cwd = mkdtempSync(join(tmpdir(), "concrete-db-bouncer-"))
    try {
      const cliEnv = { ...clusterEnv(fresh, CLUSTER.bouncerPort) } as Record<string, string>
      const demo = await runCli(["demo"], { cwd, env: cliEnv })
      expect(demo).toMatchObject({ code: 0, stderr: "" })
      expect(demo.stdout).toContain("6 messages saved, read back from the database")
      const [status, messages] = await Promise.all([
        runCli(["status"], { cwd, env: cliEnv }),
        runCli(["messages", "Build a hello world web page #1"], { cwd, env: cliEnv }),
      ])
      expect(status).toMatchObject({ code: 0, stderr: "" })
      expect(status.stdout).toMatch(/^ {2}message +6$/m)
      expect(messages).toMatchObject({ code: 0, stderr: "" })
      expect(messages.stdout).toContain("projectdirectory")
    } finally {
      rmSync(cwd, { recursive: true, force: true })
      await dropClusterDatabase(fresh)
    }
  })
})
