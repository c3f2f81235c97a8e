import type { Database } from "better-sqlite3"
import type { DataSourceOptions } from "typeorm"
import type { Env } from "./env"
import { ConfigurationError } from "./errors"
import { switchToWal } from "./internal/drivers/sqlite/sqlite-wal-mode"
import {
  DEFAULT_TRANSACTION_RETRIES,
  type ResilienceSettings,
  withResilience,
} from "./internal/resilience-settings"

// Lives in internal/ so the engine can name a target without importing this module.
export { describeTarget } from "./internal/describe-target"

// The environment is read in env.ts (the LLM client reads it too); re-exported for the callers
// that import it from here.
export { loadEnv, type Env } from "./env"

/** The SQLite file used when no database is configured. */
export const DEFAULT_SQLITE_FILE = "sql_app.db"

/** How long SQLite waits for another process's write lock before giving up, in milliseconds. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000

/** How long a connection to a database server may take before it fails, in milliseconds. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

/** Connections a PostgreSQL or MySQL pool keeps at most. */
export const DEFAULT_POOL_SIZE = 10

type DriverType = "better-sqlite3" | "postgres" | "mysql" | "mariadb"

// SQLAlchemy-style names (as the original package documents them) and TypeORM's own.
const DRIVER_ALIASES: Readonly<Record<string, DriverType>> = {
  sqlite: "better-sqlite3",
  sqlite3: "better-sqlite3",
  "sqlite+pysqlite": "better-sqlite3",
  "sqlite+aiosqlite": "better-sqlite3",
  "better-sqlite3": "better-sqlite3",
  postgres: "postgres",
  postgresql: "postgres",
  "postgresql+psycopg": "postgres",
  "postgresql+psycopg2": "postgres",
  "postgresql+asyncpg": "postgres",
  "postgresql+pg8000": "postgres",
  pg: "postgres",
  mysql: "mysql",
  "mysql+pymysql": "mysql",
  "mysql+mysqldb": "mysql",
  "mysql+mysqlconnector": "mysql",
  "mysql+aiomysql": "mysql",
  "mysql+asyncmy": "mysql",
  mysql2: "mysql",
  mariadb: "mariadb",
  "mariadb+mariadbconnector": "mariadb",
  "mariadb+pymysql": "mariadb",
}

const SERVER_VARIABLES = [
  "DB_USERNAME",
  "DB_PASSWORD",
  "DB_HOST",
  "DB_PORT",
  "DB_DATABASE",
] as const
const ALL_VARIABLES = ["DB_DRIVER", ...SERVER_VARIABLES] as const

/**
 * Turns `DB_*` variables (or `DATABASE_URL`) into TypeORM data source options, without entities.
 * Nothing set: the local SQLite file `sql_app.db`. A pure function: it reads nothing but `env`.
 *
 * @throws ConfigurationError naming every problem (missing variables, an unknown driver, a bad
 * port); the password is never part of the message.
 *
 * @example
 * dataSourceOptionsFromEnv({
 *   DB_DRIVER: "postgresql+psycopg", DB_USERNAME: "app", DB_PASSWORD: "secret",
 *   DB_HOST: "localhost", DB_PORT: "5432", DB_DATABASE: "concrete",
 * }) // { type: "postgres", host: "localhost", port: 5432, ... }
 */
export function dataSourceOptionsFromEnv(env: Env = process.env): DataSourceOptions {
  const value = (name: string): string | undefined => {
    const raw = env[name]
    return raw === undefined ? undefined : raw.trim()
  }
  const problems: string[] = []
  const set = ALL_VARIABLES.filter((name) => value(name) !== undefined && value(name) !== "")
  // An empty DB_PASSWORD is a real (empty) password, so it counts as set.
  if (value("DB_PASSWORD") === "" && !set.includes("DB_PASSWORD")) set.push("DB_PASSWORD")
  const url = value("DATABASE_URL")

  const common = commonOptions(env, problems)
  let options: DataSourceOptions
  if (url) {
    if (set.length > 0) {
      problems.push(
        `DATABASE_URL and ${set.join(", ")} are both set; use one way of configuring the database`,
      )
    }
    options = optionsFromUrl(url, common, problems)
  } else if (set.length === 0) {
    options = sqliteOptions(DEFAULT_SQLITE_FILE, common)
  } else {
    const driverName = value("DB_DRIVER")
    const driver = driverName ? DRIVER_ALIASES[driverName.toLowerCase()] : undefined
    if (!driverName) {
      problems.push(
        `DB_DRIVER is not set although ${set.join(", ")} ${set.length === 1 ? "is" : "are"}; set DB_DRIVER (for example postgresql+psycopg, mysql+pymysql or sqlite)`,
      )
    } else if (!driver) {
      problems.push(
        `DB_DRIVER "${driverName}" is not a known driver; use one of postgresql, postgresql+psycopg, mysql, mysql+pymysql, mariadb or sqlite`,
      )
    }
    if (driver === "better-sqlite3") {
      const database = value("DB_DATABASE")
      if (!database) problems.push("DB_DATABASE (the SQLite file) is not set for DB_DRIVER=sqlite")
      options = sqliteOptions(database ?? DEFAULT_SQLITE_FILE, common)
    } else {
      const missing = SERVER_VARIABLES.filter((name) =>
        name === "DB_PASSWORD" ? env[name] === undefined : !value(name),
      )
      // An unknown driver is not SQLite: its missing server variables are named too, so that
      // one run shows everything to fix.
      if (driverName && missing.length > 0) {
        problems.push(
          `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set for DB_DRIVER=${driverName}`,
        )
      }
      const port = value("DB_PORT") ? parsePort(value("DB_PORT")!, "DB_PORT", problems) : undefined
      options = serverOptions(
        driver ?? "postgres",
        {
          host: value("DB_HOST") ?? "",
          port: port ?? 0,
          username: value("DB_USERNAME") ?? "",
          // A password is taken as written: spaces may be part of it.
          password: env.DB_PASSWORD ?? "",
          database: value("DB_DATABASE") ?? "",
          ssl: undefined,
        },
        common,
      )
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems)
  return withResilience(options, common.resilience)
}

/**
 * Whether `env` configures no database at all, so the embedded default (the SQLite file
 * `sql_app.db` in the working directory) is used: no `DATABASE_URL` and no `DB_*` variable of
 * the connection (an empty `DB_PASSWORD` counts as set). Only there are missing tables of the
 * application's entities created on first use.
 *
 * @example
 * isEmbeddedDefault({}) // true
 * isEmbeddedDefault({ DB_DRIVER: "sqlite", DB_DATABASE: "app.db" }) // false
 */
export function isEmbeddedDefault(env: Env): boolean {
  if (env.DATABASE_URL?.trim()) return false
  if (env.DB_PASSWORD !== undefined) return false
  return ALL_VARIABLES.every((name) => !env[name]?.trim())
}

interface CommonOptions {
  readonly connectTimeoutMs: number
  readonly poolSize: number
  readonly sqliteSynchronous: "FULL" | "NORMAL"
  readonly sqliteBusyTimeoutMs: number
  readonly ssl: boolean | undefined
  readonly resilience: ResilienceSettings
}

function commonOptions(env: Env, problems: string[]): CommonOptions {
  const number = (name: string, fallback: number, min: number): number => {
    const raw = env[name]?.trim()
    if (!raw) return fallback
    const parsed = Number(raw)
    if (!Number.isInteger(parsed) || parsed < min) {
      problems.push(`${name} must be a whole number of at least ${min}, not "${raw}"`)
      return fallback
    }
    return parsed
  }
  const synchronous = (env.DB_SQLITE_SYNCHRONOUS?.trim() || "FULL").toUpperCase()
  if (synchronous !== "FULL" && synchronous !== "NORMAL") {
    problems.push(
      `DB_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not "${env.DB_SQLITE_SYNCHRONOUS}"`,
    )
  }
  const sslRaw = env.DB_SSL?.trim().toLowerCase()
  let ssl: boolean | undefined
  if (sslRaw) {
    if (["1", "true", "require", "yes", "on"].includes(sslRaw)) ssl = true
    else if (["0", "false", "disable", "no", "off"].includes(sslRaw)) ssl = false
    else problems.push(`DB_SSL must be true or false, not "${env.DB_SSL}"`)
  }
  return {
    connectTimeoutMs: number("DB_CONNECT_TIMEOUT_MS", DEFAULT_CONNECT_TIMEOUT_MS, 1),
    poolSize: number("DB_POOL_SIZE", DEFAULT_POOL_SIZE, 1),
    sqliteBusyTimeoutMs: number("DB_SQLITE_BUSY_TIMEOUT_MS", DEFAULT_SQLITE_BUSY_TIMEOUT_MS, 0),
    sqliteSynchronous: synchronous === "NORMAL" ? "NORMAL" : "FULL",
    ssl,
    resilience: {
      transactionRetries: number("DB_TRANSACTION_RETRIES", DEFAULT_TRANSACTION_RETRIES, 0),
      // 0 (the default): no timeout, as PostgreSQL's statement_timeout = 0.
      statementTimeoutMs: number("DB_STATEMENT_TIMEOUT_MS", 0, 0),
    },
  }
}

function parsePort(raw: string, name: string, problems: string[]): number | undefined {
  const port = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(`${name} must be a port number from 1 to 65535, not "${raw}"`)
    return undefined
  }
  return port
}

function sqliteOptions(database: string, common: CommonOptions): DataSourceOptions {
  const synchronous = common.sqliteSynchronous
  return {
    type: "better-sqlite3",
    database,
    // WAL is switched on in prepareDatabase: TypeORM's own switch (enableWAL, right after it) is
    // one attempt, which fails when two processes open a new file at once (sqlite-wal-mode.ts).
    // After prepareDatabase it finds the file in WAL mode already; it stays on for a user whose
    // own prepareDatabase replaces this one.
    enableWAL: true,
    timeout: common.sqliteBusyTimeoutMs,
    statementCacheSize: 200,
    prepareDatabase: async (db: Database) => {
      // FULL: a committed transaction survives a power cut, not only a crash of the process.
      db.pragma(`synchronous = ${synchronous}`)
      await switchToWal(db)
    },
  }
}

interface ServerTarget {
  readonly host: string
  readonly port: number
  readonly username: string
  readonly password: string
  readonly database: string
  readonly ssl: boolean | undefined
}

function serverOptions(
  type: Exclude<DriverType, "better-sqlite3">,
  target: ServerTarget,
  common: CommonOptions,
): DataSourceOptions {
  const ssl = target.ssl ?? common.ssl
  const base = {
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    database: target.database,
    poolSize: common.poolSize,
  }
  if (type === "postgres") {
    return {
      type,
      ...base,
      applicationName: "concrete-db",
      connectTimeoutMS: common.connectTimeoutMs,
      ...(ssl === undefined ? {} : { ssl }),
    }
  }
  return {
    type,
    ...base,
    // Dates travel as UTC and come back as UTC; 4-byte UTF-8 (emoji) is kept.
    timezone: "Z",
    charset: "utf8mb4",
    connectTimeout: common.connectTimeoutMs,
    supportBigNumbers: true,
    // Statements of many parameters are server-side prepared statements (mysql-connection.ts),
    // kept per connection by their text; a multi-row write of each row count has its own. The
    // server holds at most max_prepared_stmt_count (16,382) for all its clients, and mysql2
    // keeps 16,000 per connection unless told: the least recently used beyond 32 are closed, so
    // 50 processes with 10 connections each stay under the server's limit.
    extra: { maxPreparedStatements: 32 },
    ...(ssl ? { ssl: {} } : {}),
  }
}

const URL_SCHEMES: Readonly<Record<string, DriverType>> = {
  postgres: "postgres",
  postgresql: "postgres",
  mysql: "mysql",
  mariadb: "mariadb",
  sqlite: "better-sqlite3",
}

function optionsFromUrl(url: string, common: CommonOptions, problems: string[]): DataSourceOptions {
  const scheme = /^([a-z0-9+]+):/i.exec(url)?.[1]?.toLowerCase()
  const type = scheme ? (URL_SCHEMES[scheme.split("+")[0]!] ?? DRIVER_ALIASES[scheme]) : undefined
  if (!type) {
    problems.push(
      `DATABASE_URL has ${scheme ? `the unknown scheme "${scheme}"` : "no scheme"}; use postgresql://, mysql://, mariadb:// or sqlite://`,
    )
    return sqliteOptions(DEFAULT_SQLITE_FILE, common)
  }
  if (type === "better-sqlite3") {
    // sqlite:///relative.db, sqlite:////absolute.db (SQLAlchemy) and sqlite:file.db.
    const rest = url.slice(url.indexOf(":") + 1)
    const path = rest.startsWith("///")
      ? rest.slice(3)
      : rest.startsWith("//")
        ? rest.slice(2)
        : rest
    if (!path) problems.push("DATABASE_URL names no SQLite file (sqlite:///path/to/file.db)")
    return sqliteOptions(path || DEFAULT_SQLITE_FILE, common)
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    problems.push("DATABASE_URL is not a valid URL (scheme://user:password@host:port/database)")
    return sqliteOptions(DEFAULT_SQLITE_FILE, common)
  }
  const missing: string[] = []
  if (!parsed.hostname) missing.push("host")
  if (!parsed.username) missing.push("user")
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""))
  if (!database) missing.push("database")
  if (missing.length > 0) {
    problems.push(
      `DATABASE_URL has no ${missing.join(", no ")} (scheme://user:password@host:port/database)`,
    )
  }
  const defaultPort = type === "postgres" ? 5432 : 3306
  const port = parsed.port
    ? parsePort(parsed.port, "The port of DATABASE_URL", problems)
    : defaultPort
  const sslMode = parsed.searchParams.get("sslmode") ?? parsed.searchParams.get("ssl")
  const ssl =
    sslMode === null ? undefined : !["disable", "false", "0", "allow", "prefer"].includes(sslMode)
  return serverOptions(
    type,
    {
      host: parsed.hostname,
      port: port ?? defaultPort,
      username: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database,
      ssl,
    },
    common,
  )
}
