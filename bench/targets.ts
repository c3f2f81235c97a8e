import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { createConnection, createPool, type Pool as MysqlPool } from "mysql2/promise"
import { Client, Pool as PgPool } from "pg"
import type { DataSource } from "typeorm"
import { createDataSource, type Env } from "../src"

export type DatabaseKind = "sqlite" | "postgres" | "mariadb"

/** One database under test: the data source the Session and TypeORM use, and a raw driver. */
export interface Target {
  readonly kind: DatabaseKind
  readonly dataSource: DataSource
  readonly raw: RawDriver
  readonly env: Env
  close(): Promise<void>
}

export type RawDriver =
  | { readonly kind: "sqlite"; readonly db: Database.Database }
  | { readonly kind: "postgres"; readonly pool: PgPool }
  | { readonly kind: "mariadb"; readonly pool: MysqlPool }

// BENCH_DATABASE names another one, so that two benchmarks on one server do not drop each other's.
const BENCH_DATABASE = process.env.BENCH_DATABASE ?? "concrete_bench"
const PG = { host: "127.0.0.1", port: 5432, user: "postgres", password: "" }
const MARIADB = { host: "127.0.0.1", port: 3306, user: "root", password: "" }

export async function reachable(kind: DatabaseKind): Promise<boolean> {
  try {
    if (kind === "postgres") {
      const client = new Client({ ...PG, database: "test", connectionTimeoutMillis: 2000 })
      await client.connect()
      await client.end()
    } else if (kind === "mariadb") {
      const connection = await createConnection({ ...MARIADB, connectTimeout: 2000 })
      await connection.end()
    }
    return true
  } catch {
    return false
  }
}

/** A fresh database of `kind` with the schema applied, plus a raw connection to it. */
export async function openTarget(kind: DatabaseKind): Promise<Target> {
  let env: Env
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "concrete-bench-"))
    env = { DB_DRIVER: "sqlite", DB_DATABASE: join(dir, "bench.db") }
  } else if (kind === "postgres") {
    const admin = new Client({ ...PG, database: "test" })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`)
    await admin.end()
    env = serverEnv("postgresql", PG)
  } else {
    const admin = await createConnection({ ...MARIADB })
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE}`)
    await admin.query(`CREATE DATABASE ${BENCH_DATABASE} CHARACTER SET utf8mb4`)
    await admin.end()
    env = serverEnv("mariadb", MARIADB)
  }
  const dataSource = createDataSource({ env })
  await dataSource.initialize()
  await dataSource.runMigrations()
  const raw = openRawDriver(kind, env)
  return {
    kind,
    dataSource,
    raw,
    env,
    async close() {
      await dataSource.destroy()
      if (raw.kind === "sqlite") raw.db.close()
      else await raw.pool.end()
    },
  }
}

/**
 * The raw driver on the database `env` names, set up the way the data source sets up its own:
 * on SQLite the same file with WAL, synchronous=FULL, foreign keys and a busy timeout; on the
 * servers a pool of 10 connections.
 */
export function openRawDriver(kind: DatabaseKind, env: Env): RawDriver {
  if (kind === "sqlite") {
    const db = new Database(env.DB_DATABASE, { timeout: 5000 })
    db.pragma("journal_mode = WAL")
    db.pragma("synchronous = FULL")
    db.pragma("foreign_keys = ON")
    return { kind, db }
  }
  const server = {
    host: env.DB_HOST,
    port: Number(env.DB_PORT),
    user: env.DB_USERNAME,
    password: env.DB_PASSWORD,
    database: env.DB_DATABASE,
  }
  if (kind === "postgres") return { kind, pool: new PgPool({ ...server, max: 10 }) }
  return { kind, pool: createPool({ ...server, connectionLimit: 10, timezone: "Z" }) }
}

function serverEnv(driver: string, server: typeof PG): Env {
  return {
    DB_DRIVER: driver,
    DB_USERNAME: server.user,
    DB_PASSWORD: server.password,
    DB_HOST: server.host,
    DB_PORT: String(server.port),
    DB_DATABASE: BENCH_DATABASE,
  }
}
