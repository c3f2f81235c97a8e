import { Client } from "pg"
import type { DataSource } from "typeorm"
import { CLUSTER, clusterEnv, describeCluster, useClusterDatabase } from "../support/cluster"
import { seedConversation, startChild, type Child } from "../reliability/fixtures/helpers"

// 8 processes × 50 concurrent sessions = 400 clients, committing 20,000 messages in all (one
// withTransaction each). Through PgBouncer (default_pool_size 20) every one commits while the
// primary never serves this database on more than 20 connections; sent straight to the primary
// (max_connections 100), the same load fails with "too many clients".
const PROCESSES = 8
const SESSIONS = 50
const PER_SESSION = 50
const TOTAL = PROCESSES * SESSIONS * PER_SESSION

interface LoadResult {
  committed: number
  errors: number
  firstErrors: string[]
}

interface Peak {
  /** Most server connections PgBouncer held for the database at one sample. */
  bouncer: number
  /** Most client backends of the database pg_stat_activity showed at one sample (autovacuum's
   * workers are not clients). */
  backends: number
  samples: number
}

describeCluster("400 clients through PgBouncer", () => {
  const fresh = useClusterDatabase()
  let database: string
  let dataSource: DataSource
  let admin: Client
  let monitor: Client

  beforeAll(async () => {
    database = fresh.name
    // Through PgBouncer as well: between transactions it holds no server connection, so every
    // backend of the database during the load is one of PgBouncer's.
    dataSource = await fresh.open({ env: clusterEnv(database, CLUSTER.bouncerPort) })
    await dataSource.runMigrations({ transaction: "each" })
    admin = new Client({
      host: CLUSTER.host,
      port: CLUSTER.bouncerPort,
      user: CLUSTER.user,
      database: "pgbouncer",
    })
    monitor = new Client({
      host: CLUSTER.host,
      port: CLUSTER.primaryPort,
      user: CLUSTER.user,
      database: "test",
    })
    await admin.connect()
    await monitor.connect()
  })

  afterAll(async () => {
    for (const child of children) child.process.kill()
    await admin?.end().catch(() => undefined)
    await monitor?.end().catch(() => undefined)
  })

  async function sample(peak: Peak): Promise<void> {
    const pools = await admin.query<Record<string, string>>("SHOW POOLS")
    const held = pools.rows
      .filter((row) => row.database === database)
      .reduce(
        (sum, row) =>
          sum +
          ["sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login"].reduce(
            (n, key) => n + Number(row[key] ?? 0),
            0,
          ),
        0,
      )
    const [backends] = (
      await monitor.query<{ n: string }>(
        "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
        [database],
      )
    ).rows
    peak.bouncer = Math.max(peak.bouncer, held)
    peak.backends = Math.max(peak.backends, Number(backends?.n ?? 0))
    peak.samples++
  }

  let children: Child[] = []
  let runs = 0

  /** Runs the load on `port`; returns each process's result and the peaks sampled meanwhile. */
  async function load(port: number, projectId: string, userId: string, perSession: number) {
    if (children.length === 0) {
      children = Array.from({ length: PROCESSES }, () =>
        startChild(require.resolve("./fixtures/load-writer"), []),
      )
      await Promise.all(
        children.map((child) => child.waitForLine((line) => line === "ready", 120_000)),
      )
    }
    runs++
    const job = JSON.stringify({
      env: { ...clusterEnv(database, port), DB_POOL_SIZE: String(SESSIONS) },
      sessions: SESSIONS,
      perSession,
      projectId,
      userId,
    })
    const peak: Peak = { bouncer: 0, backends: 0, samples: 0 }
    const started = Date.now()
    for (const child of children) child.process.stdin.write(`${job}\n`)
    let running = true
    const sampling = (async () => {
      while (running) {
        await sample(peak)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    try {
      const results = await Promise.all(
        children.map(async (child) => {
          // The nth result line answers the nth job.
          await child.waitForLine(
            () => child.lines.filter((text) => text.startsWith("result ")).length >= runs,
            240_000,
          )
          const line = child.lines.filter((text) => text.startsWith("result "))[runs - 1]!
          return JSON.parse(line.slice("result ".length)) as LoadResult
        }),
      )
      return { results, peak, elapsedMs: Date.now() - started }
    } finally {
      running = false
      await sampling
    }
  }

  async function messagesOf(projectId: string): Promise<number> {
    const [row] = (await dataSource.query<Array<{ n: string }>>(
      "SELECT COUNT(*) AS n FROM message WHERE project_id = $1",
      [projectId],
    )) as Array<{ n: string }>
    return Number(row!.n)
  }

  it("commits 20,000 messages from 400 clients with no error, on at most 20 server connections", async () => {
    const { projectId, userId } = await seedConversation(dataSource)
    const { results, peak, elapsedMs } = await load(
      CLUSTER.bouncerPort,
      projectId,
      userId,
      PER_SESSION,
    )
    const committed = results.reduce((sum, result) => sum + result.committed, 0)
    const failures = results.flatMap((result) => result.firstErrors)
    process.stdout.write(
      `PgBouncer load: ${committed} commits from ${PROCESSES}×${SESSIONS} clients in ${elapsedMs} ms (${Math.round((committed * 1000) / elapsedMs)}/s); peak server connections ${peak.bouncer} (SHOW POOLS), ${peak.backends} (pg_stat_activity) over ${peak.samples} samples\n`,
    )
    expect(failures).toEqual([])
    expect(committed).toBe(TOTAL)
    expect(await messagesOf(projectId)).toBe(TOTAL)
    expect(peak.samples).toBeGreaterThan(3)
    expect(peak.bouncer).toBeGreaterThan(0)
    expect(peak.bouncer).toBeLessThanOrEqual(CLUSTER.poolSize)
    expect(peak.backends).toBeLessThanOrEqual(CLUSTER.poolSize)
  })

  it("fails with too many clients when the same 400 clients go straight to the primary", async () => {
    const { projectId, userId } = await seedConversation(dataSource)
    // The same clients; fewer messages each (the refusals come with the connections), so that
    // the suite stays short.
    const { results, elapsedMs } = await load(CLUSTER.primaryPort, projectId, userId, 5)
    const errors = results.reduce((sum, result) => sum + result.errors, 0)
    const committed = results.reduce((sum, result) => sum + result.committed, 0)
    process.stdout.write(
      `Direct load: ${committed} commits, ${errors} failed transactions in ${elapsedMs} ms; first: ${results.flatMap((result) => result.firstErrors)[0] ?? "none"}\n`,
    )
    expect(errors).toBeGreaterThan(0)
    expect(results.flatMap((result) => result.firstErrors).join("\n")).toMatch(/too many clients/)
    // What did commit is there, exactly.
    expect(await messagesOf(projectId)).toBe(committed)
  })
})
