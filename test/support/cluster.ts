import { execFileSync } from "node:child_process"
import { join } from "node:path"
import { Client } from "pg"
import type { DataSource } from "typeorm"
import { createDataSource, type DataSourceExtra, type Env } from "../../src"

// The fixture test/support/cluster/cluster.sh starts: a PostgreSQL primary, a streaming replica
// of it and PgBouncer (transaction mode) in front of the primary, on ports of their own.
export const CLUSTER = {
  host: "127.0.0.1",
  primaryPort: Number(process.env.CONCRETE_DB_CLUSTER_PRIMARY_PORT ?? 55432),
  replicaPort: Number(process.env.CONCRETE_DB_CLUSTER_REPLICA_PORT ?? 55433),
  bouncerPort: Number(process.env.CONCRETE_DB_CLUSTER_BOUNCER_PORT ?? 56432),
  user: "postgres",
  /** PgBouncer's default_pool_size: server connections per database and user. */
  poolSize: 20,
  /** The primary's max_connections. */
  maxConnections: 100,
  script: join(__dirname, "cluster", "cluster.sh"),
} as const

/** Runs the fixture script (start, stop-replica, start-replica, status, …). */
export function cluster(command: string): string {
  return execFileSync("bash", [CLUSTER.script, command], { encoding: "utf8" })
}

async function answers(port: number, database = "test"): Promise<boolean> {
  const client = new Client({
    host: CLUSTER.host,
    port,
    user: CLUSTER.user,
    database,
    connectionTimeoutMillis: 3_000,
  })
  try {
    await client.connect()
    await client.query("SELECT 1")
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Whether the primary, the replica and PgBouncer all answer. */
export async function clusterAvailable(): Promise<boolean> {
  const all = await Promise.all([
    answers(CLUSTER.primaryPort),
    answers(CLUSTER.replicaPort),
    answers(CLUSTER.bouncerPort),
  ])
  return all.every(Boolean)
}

/** Runs one statement on the primary's `test` database (or `database`). */
export async function primaryQuery<T = Record<string, unknown>>(
  sql: string,
  parameters: unknown[] = [],
  port: number = CLUSTER.primaryPort,
  database = "test",
): Promise<T[]> {
  const client = new Client({ host: CLUSTER.host, port, user: CLUSTER.user, database })
  await client.connect()
  try {
    return (await client.query(sql, parameters)).rows as T[]
  } finally {
    await client.end()
  }
}

/** A fresh database on the primary (it appears on the replica and behind PgBouncer). */
export async function createClusterDatabase(): Promise<string> {
  const name = `cdb_cluster_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`
  await primaryQuery(`CREATE DATABASE "${name}"`)
  return name
}

export async function dropClusterDatabase(name: string): Promise<void> {
  await primaryQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
}

/** A database made for one describe block; see `useClusterDatabase`. */
export interface ClusterDatabase {
  /** Its name, once the block's first beforeAll has run. */
  readonly name: string
  /** A data source built with `extra`, initialized, destroyed after the block. */
  open(extra: DataSourceExtra): Promise<DataSource>
}

/**
 * A fresh database on the primary for the enclosing describe block: created before its tests
 * (call this before the block's own beforeAll), dropped after them, once the data sources
 * opened through it are destroyed.
 */
export function useClusterDatabase(): ClusterDatabase {
  let name: string | undefined
  const opened: DataSource[] = []
  beforeAll(async () => {
    name = await createClusterDatabase()
  })
  afterAll(async () => {
    for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy()
    if (name) await dropClusterDatabase(name)
  })
  return {
    get name() {
      if (name === undefined) throw new Error("the cluster database is made in beforeAll")
      return name
    },
    async open(extra) {
      const dataSource = createDataSource(extra)
      opened.push(dataSource)
      await dataSource.initialize()
      return dataSource
    },
  }
}

/** `DB_*` variables for `database` on one of the fixture's ports (the primary by default). */
export function clusterEnv(database: string, port: number = CLUSTER.primaryPort): Env {
  return {
    DB_DRIVER: "postgresql",
    DB_USERNAME: CLUSTER.user,
    DB_PASSWORD: "",
    DB_HOST: CLUSTER.host,
    DB_PORT: String(port),
    DB_DATABASE: database,
  }
}

/** Set by the cluster suite's global setup: "1" when the fixture answered. */
export const CLUSTER_AVAILABLE_ENV = "CONCRETE_DB_CLUSTER_AVAILABLE"

/**
 * A describe block that needs the fixture. When the global setup found it not running (locally;
 * under CI=true that fails the run), the block is skipped with a visible notice in its title.
 */
export function describeCluster(title: string, body: () => void): void {
  if (process.env[CLUSTER_AVAILABLE_ENV] === "1") {
    describe(title, body)
    return
  }
  describe.skip(`${title} [cluster fixture not running, skipped]`, () => {
    it("is skipped because the cluster fixture is not running", () => undefined)
  })
}
