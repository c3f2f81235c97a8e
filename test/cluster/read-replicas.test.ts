import { execFile } from "node:child_process"
import { promisify } from "node:util"
import type { DataSource } from "typeorm"
import { Session, SessionStateError, User, withSession } from "../../src"
import {
  CLUSTER,
  clusterEnv,
  describeCluster,
  useClusterDatabase,
  primaryQuery,
} from "../support/cluster"
import { make, unique } from "../support/graph"
import { dataStatements, QueryLog } from "../support/query-log"

const run = promisify(execFile)
const log = new QueryLog()

/** The port of the server a session's open transaction runs on (a readOnly one has one open). */
function serverPort(session: Session): number | undefined {
  const options = session.manager.queryRunner?.connection.options as { port?: number } | undefined
  return options?.port
}

async function committedUser(dataSource: DataSource, firstName = "Ada"): Promise<User> {
  const user = make(User, { email: `${unique("replica")}@example.com`, firstName })
  await withSession(async (session) => {
    session.add(user)
    await session.commit()
  }, dataSource)
  return user
}

/** How many rows of "user" have this email, on the primary and on the replica. */
async function countEverywhere(database: string, email: string): Promise<number[]> {
  return Promise.all(
    [CLUSTER.primaryPort, CLUSTER.replicaPort].map(async (port) => {
      const rows = await primaryQuery<{ n: string }>(
        `SELECT COUNT(*) AS n FROM "user" WHERE email = $1`,
        [email],
        port,
        database,
      )
      return Number(rows[0]?.n)
    }),
  )
}

/**
 * Waits until what was committed on the primary so far has been replayed on the replica. The
 * insert position, not the write position: the fixture runs with synchronous_commit = off, so a
 * commit record may not be written yet when COMMIT returns.
 */
async function replicaCaughtUp(database: string): Promise<void> {
  const [current] = await primaryQuery<{ lsn: string }>(
    "SELECT pg_current_wal_insert_lsn()::text AS lsn",
    [],
    CLUSTER.primaryPort,
    database,
  )
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const [row] = await primaryQuery<{ behind: boolean }>(
      "SELECT pg_last_wal_replay_lsn() < $1::pg_lsn AS behind",
      [current!.lsn],
      CLUSTER.replicaPort,
      database,
    ).catch(() => [{ behind: true }])
    if (row && !row.behind) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error("the replica did not catch up within 30 s")
}

describeCluster("read replicas (DB_READ_REPLICAS) on a streaming replica", () => {
  const fresh = useClusterDatabase()
  let database: string
  const open = (replicas: string): Promise<DataSource> => {
    const env = { ...clusterEnv(database), DB_READ_REPLICAS: replicas }
    return fresh.open({ env, logging: true, logger: log })
  }
  const replica = `${CLUSTER.host}:${CLUSTER.replicaPort}`
  const primary = `${CLUSTER.host}:${CLUSTER.primaryPort}`

  beforeAll(async () => {
    database = fresh.name
    const setup = await fresh.open({ env: clusterEnv(database) })
    await setup.runMigrations({ transaction: "each" })
    await setup.destroy()
    await replicaCaughtUp(database)
  })

  it("runs readOnly sessions on the replica, and sees a row committed on the primary within 1 s", async () => {
    const dataSource = await open(replica)
    const lags: number[] = []
    for (let i = 0; i < 10; i++) {
      const user = await committedUser(dataSource)
      const committed = Date.now()
      for (;;) {
        await using session = new Session(dataSource, { readOnly: true })
        const found = await session.get(User, user.id)
        expect(serverPort(session)).toBe(CLUSTER.replicaPort)
        if (found) break
        expect(Date.now() - committed).toBeLessThan(1_000)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      lags.push(Date.now() - committed)
    }
    expect(Math.max(...lags)).toBeLessThan(1_000)
  })

  it("runs every other session on the primary, which reads its own writes at once", async () => {
    const dataSource = await open(replica)
    await using session = new Session(dataSource)
    const user = session.add(make(User, { email: `${unique("own")}@example.com` }))
    await session.commit()
    expect((await session.get(User, user.id))?.email).toBe(user.email)
    await using other = new Session(dataSource)
    expect(await other.find(User, { where: { email: user.email } })).toHaveLength(1)
    await other.begin()
    expect(serverPort(other)).toBe(CLUSTER.primaryPort)
  })

  it("writes nothing from a readOnly session: every write path is refused before it is sent", async () => {
    const dataSource = await open(replica)
    const existing = await committedUser(dataSource)
    await replicaCaughtUp(database)
    const email = `${unique("never")}@example.com`
    await using session = new Session(dataSource, { readOnly: true })
    const sent = await log.capture(async () => {
      const read = (await session.get(User, existing.id))!
      expect(serverPort(session)).toBe(CLUSTER.replicaPort)
      expect(() => session.add(make(User, { email }))).toThrow(SessionStateError)
      expect(() => session.delete(read)).toThrow(SessionStateError)
      read.firstName = "Grace"
      await expect(session.commit()).rejects.toThrow(SessionStateError)
      await session.rollback()
      const refusals = [
        session.manager.save(make(User, { email })),
        session.manager.insert(User, { email }),
        session.manager.update(User, { id: existing.id }, { firstName: "Grace" }),
        session.manager.delete(User, { id: existing.id }),
        session.manager.query(`INSERT INTO "user" (id, email) VALUES (gen_random_uuid(), $1)`, [
          email,
        ]),
      ]
      for (const refusal of refusals) await expect(refusal).rejects.toThrow(SessionStateError)
    })
    // Only reads went out (to the replica).
    expect(dataStatements(sent).every((sql) => /^\s*SELECT/i.test(sql))).toBe(true)
    expect(await countEverywhere(database, email)).toEqual([0, 0])
    const [row] = await primaryQuery<{ first_name: string }>(
      `SELECT first_name FROM "user" WHERE id = $1`,
      [existing.id],
      CLUSTER.primaryPort,
      database,
    )
    expect(row?.first_name).toBe("Ada")
  })

  it("loses no read while the replica stops: reads fall back to the primary, then return to the replica", async () => {
    const dataSource = await open(replica)
    const user = await committedUser(dataSource)
    await replicaCaughtUp(database)
    const before: number[] = []
    const after: number[] = []
    const failures: unknown[] = []
    let stopped = false
    const readLoop = async (): Promise<void> => {
      while (!stopped || after.length < 200) {
        try {
          await using session = new Session(dataSource, { readOnly: true })
          const found = await session.get(User, user.id)
          if (found?.email !== user.email) throw new Error(`read ${String(found?.email)}`)
          ;(stopped ? after : before).push(serverPort(session)!)
        } catch (error) {
          failures.push(error)
          if (failures.length > 20) return
        }
      }
    }
    try {
      // Four readers keep reading while the replica is shut down under them.
      const readers = Promise.all([0, 1, 2, 3].map(() => readLoop()))
      await new Promise((resolve) => setTimeout(resolve, 300))
      await run("bash", [CLUSTER.script, "stop-replica"])
      stopped = true
      await readers
    } finally {
      await run("bash", [CLUSTER.script, "start-replica"])
    }
    expect(failures).toEqual([])
    expect(before).toContain(CLUSTER.replicaPort)
    expect(new Set(after)).toEqual(new Set([CLUSTER.primaryPort]))

    // Once the cool-down has passed, readOnly sessions use the replica again.
    await replicaCaughtUp(database)
    const deadline = Date.now() + 20_000
    let port: number | undefined
    while (Date.now() < deadline && port !== CLUSTER.replicaPort) {
      await using session = new Session(dataSource, { readOnly: true })
      expect(await session.get(User, user.id)).not.toBeNull()
      port = serverPort(session)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(port).toBe(CLUSTER.replicaPort)
  })

  it("takes the listed replicas in turn", async () => {
    // The replica and the primary's own address: which one served each session is visible.
    const dataSource = await open(`${replica},${primary}`)
    const user = await committedUser(dataSource)
    await replicaCaughtUp(database)
    const ports: (number | undefined)[] = []
    for (let i = 0; i < 6; i++) {
      await using session = new Session(dataSource, { readOnly: true })
      expect((await session.get(User, user.id))?.email).toBe(user.email)
      ports.push(serverPort(session))
    }
    const [a, b] = [CLUSTER.replicaPort, CLUSTER.primaryPort]
    expect(ports).toEqual([a, b, a, b, a, b])
  })
})
