import { createConnection } from "mysql2/promise"
import { Client } from "pg"
import type { Env } from "../../src"

// Where the test databases live. Overridable so the suite can run against other servers.
export const POSTGRES = {
  host: process.env.TEST_PG_HOST ?? "127.0.0.1",
  port: Number(process.env.TEST_PG_PORT ?? 5432),
  user: process.env.TEST_PG_USER ?? "postgres",
  password: process.env.TEST_PG_PASSWORD ?? "",
  adminDatabase: process.env.TEST_PG_DATABASE ?? "test",
}

export const MARIADB = {
  host: process.env.TEST_MARIADB_HOST ?? "127.0.0.1",
  port: Number(process.env.TEST_MARIADB_PORT ?? 3306),
  user: process.env.TEST_MARIADB_USER ?? "root",
  password: process.env.TEST_MARIADB_PASSWORD ?? "",
}

export type DatabaseKind = "sqlite" | "postgres" | "mariadb"

export const ALL_KINDS: readonly DatabaseKind[] = ["sqlite", "postgres", "mariadb"]

/** Set by the global setup: the kinds reachable in this run, comma separated. */
export const AVAILABLE_ENV = "CONCRETE_DB_TEST_AVAILABLE"

/** Runs one statement as the server's admin (PostgreSQL: on the admin database). */
export async function adminQuery(kind: "postgres" | "mariadb", sql: string): Promise<void> {
  if (kind === "postgres") {
    const client = new Client({ ...POSTGRES, database: POSTGRES.adminDatabase })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
    return
  }
  const connection = await createConnection({ ...MARIADB })
  try {
    await connection.query(sql)
  } finally {
    await connection.end()
  }
}

export function createServerDatabase(kind: "postgres" | "mariadb", name: string): Promise<void> {
  return adminQuery(
    kind,
    kind === "postgres"
      ? `CREATE DATABASE "${name}"`
      : `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`,
  )
}

export function dropServerDatabase(kind: "postgres" | "mariadb", name: string): Promise<void> {
  return adminQuery(
    kind,
    kind === "postgres"
      ? `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`
      : `DROP DATABASE IF EXISTS \`${name}\``,
  )
}

/** `DB_*` variables for `database` (a file on SQLite, a database name on a server). */
export function envFor(kind: DatabaseKind, database: string): Env {
  if (kind === "sqlite") return { DB_DRIVER: "sqlite", DB_DATABASE: database }
  const server = kind === "postgres" ? POSTGRES : MARIADB
  return {
    DB_DRIVER: kind === "postgres" ? "postgresql" : "mariadb",
    DB_USERNAME: server.user,
    DB_PASSWORD: server.password,
    DB_HOST: server.host,
    DB_PORT: String(server.port),
    DB_DATABASE: database,
  }
}
