import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import type { DataSourceOptions } from "typeorm"
import { ConfigurationError, dataSourceOptionsFromEnv, describeTarget, loadEnv } from "../src"
import { isEmbeddedDefault } from "../src/data-source-options"

const SERVER = {
  DB_USERNAME: "app",
  DB_PASSWORD: "s3cret-pa55",
  DB_HOST: "db.internal",
  DB_PORT: "5432",
  DB_DATABASE: "concrete",
}

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    dataSourceOptionsFromEnv(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    const message = (error as Error).message
    expect(message).not.toContain("s3cret-pa55")
    return (error as ConfigurationError).problems
  }
  throw new Error("expected a ConfigurationError")
}

/** Runs the options' `prepareDatabase` on a new file and reads back the pragmas it set. */
async function preparedPragmas(
  options: DataSourceOptions,
): Promise<{ journalMode: unknown; synchronous: unknown }> {
  const { prepareDatabase } = options as {
    prepareDatabase: (db: Database.Database) => Promise<void>
  }
  const dir = mkdtempSync(join(tmpdir(), "concrete-db-options-"))
  const db = new Database(join(dir, "test.db"))
  try {
    await prepareDatabase(db)
    return {
      journalMode: db.pragma("journal_mode", { simple: true }),
      synchronous: db.pragma("synchronous", { simple: true }),
    }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("dataSourceOptionsFromEnv", () => {
  it("uses the local SQLite file sql_app.db in WAL mode when nothing is set", async () => {
    const options = dataSourceOptionsFromEnv({})
    expect(options).toMatchObject({
      type: "better-sqlite3",
      database: "sql_app.db",
      enableWAL: true,
    })
    expect(options).toHaveProperty("timeout", 5000)
    expect(await preparedPragmas(options)).toMatchObject({ journalMode: "wal" })
  })

  it.each([
    ["postgresql+psycopg", "postgres"],
    ["postgresql+psycopg2", "postgres"],
    ["postgresql+asyncpg", "postgres"],
    ["postgresql", "postgres"],
    ["postgres", "postgres"],
    ["POSTGRESQL", "postgres"],
    ["mysql+pymysql", "mysql"],
    ["mysql", "mysql"],
    ["mariadb", "mariadb"],
    ["mariadb+mariadbconnector", "mariadb"],
  ])("maps DB_DRIVER=%s to TypeORM's %s with every connection setting", (driver, type) => {
    const options = dataSourceOptionsFromEnv({ ...SERVER, DB_DRIVER: driver })
    expect(options).toMatchObject({
      type,
      host: "db.internal",
      port: 5432,
      username: "app",
      password: "s3cret-pa55",
      database: "concrete",
    })
  })

  it.each(["sqlite", "sqlite3", "better-sqlite3", "sqlite+pysqlite"])(
    "maps DB_DRIVER=%s to better-sqlite3 with only DB_DATABASE",
    (driver) => {
      const options = dataSourceOptionsFromEnv({ DB_DRIVER: driver, DB_DATABASE: "/tmp/app.db" })
      expect(options).toMatchObject({
        type: "better-sqlite3",
        database: "/tmp/app.db",
        enableWAL: true,
      })
    },
  )

  it("takes an empty DB_PASSWORD as an empty password, as for a local MariaDB root", () => {
    const options = dataSourceOptionsFromEnv({ ...SERVER, DB_DRIVER: "mariadb", DB_PASSWORD: "" })
    expect(options).toMatchObject({ type: "mariadb", password: "" })
  })

  it("stores dates in UTC on MySQL-family databases", () => {
    expect(dataSourceOptionsFromEnv({ ...SERVER, DB_DRIVER: "mysql" })).toMatchObject({
      timezone: "Z",
    })
  })

  it("keeps few prepared statements per MySQL-family connection (the server's limit is for all)", () => {
    const options = dataSourceOptionsFromEnv({ ...SERVER, DB_DRIVER: "mariadb" }) as {
      extra?: { maxPreparedStatements?: number }
    }
    expect(options.extra?.maxPreparedStatements).toBeLessThanOrEqual(32)
  })

  it("sets SQLite synchronous=FULL by default and NORMAL on request", async () => {
    // SQLite's numbers for the levels: 1 is NORMAL, 2 is FULL.
    expect(await preparedPragmas(dataSourceOptionsFromEnv({}))).toMatchObject({ synchronous: 2 })
    expect(
      await preparedPragmas(dataSourceOptionsFromEnv({ DB_SQLITE_SYNCHRONOUS: "normal" })),
    ).toMatchObject({ synchronous: 1 })
  })

  it("reads pool size and connect timeout", () => {
    const options = dataSourceOptionsFromEnv({
      ...SERVER,
      DB_DRIVER: "postgresql",
      DB_POOL_SIZE: "3",
      DB_CONNECT_TIMEOUT_MS: "1500",
    })
    expect(options).toMatchObject({ poolSize: 3, connectTimeoutMS: 1500 })
  })

  it("accepts DATABASE_URL instead of DB_* variables", () => {
    expect(
      dataSourceOptionsFromEnv({
        DATABASE_URL: "postgresql://app:p%40ss@db:6543/concrete?sslmode=require",
      }),
    ).toMatchObject({
      type: "postgres",
      host: "db",
      port: 6543,
      username: "app",
      password: "p@ss",
      database: "concrete",
      ssl: true,
    })
    expect(dataSourceOptionsFromEnv({ DATABASE_URL: "mysql://root@localhost/app" })).toMatchObject({
      type: "mysql",
      port: 3306,
      database: "app",
    })
    expect(dataSourceOptionsFromEnv({ DATABASE_URL: "sqlite:///data/app.db" })).toMatchObject({
      type: "better-sqlite3",
      database: "data/app.db",
    })
    expect(dataSourceOptionsFromEnv({ DATABASE_URL: "sqlite:////var/app.db" })).toMatchObject({
      database: "/var/app.db",
    })
  })

  it("names every missing variable when a server driver is only partly configured", () => {
    const problems = problemsOf({ DB_DRIVER: "postgresql+psycopg", DB_HOST: "db" })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain("DB_USERNAME, DB_PASSWORD, DB_PORT, DB_DATABASE are not set")
  })

  it("asks for DB_DRIVER when other variables are set without it", () => {
    expect(problemsOf({ ...SERVER })[0]).toMatch(/DB_DRIVER is not set/)
  })

  it("rejects an unknown driver and names it", () => {
    expect(problemsOf({ ...SERVER, DB_DRIVER: "oracle+cx" })[0]).toMatch(
      /"oracle\+cx" is not a known driver/,
    )
  })

  it("still names the missing variables when the driver is unknown", () => {
    expect(problemsOf({ DB_DRIVER: "oracle" })).toEqual([
      'DB_DRIVER "oracle" is not a known driver; use one of postgresql, postgresql+psycopg, mysql, mysql+pymysql, mariadb or sqlite',
      "DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT, DB_DATABASE are not set for DB_DRIVER=oracle",
    ])
    expect(problemsOf({ ...SERVER, DB_DRIVER: "oracle" })).toHaveLength(1)
  })

  it("names what a DATABASE_URL lacks in plain words", () => {
    expect(problemsOf({ DATABASE_URL: "postgresql:///" })).toEqual([
      "DATABASE_URL has no host, no user, no database (scheme://user:password@host:port/database)",
    ])
    expect(problemsOf({ DATABASE_URL: "mysql://db.internal/app" })).toEqual([
      "DATABASE_URL has no user (scheme://user:password@host:port/database)",
    ])
  })

  it.each(["abc", "0", "70000", "54.3", "-1"])("rejects the port %s", (port) => {
    expect(problemsOf({ ...SERVER, DB_DRIVER: "postgresql", DB_PORT: port })[0]).toContain(
      `DB_PORT must be a port number from 1 to 65535, not "${port}"`,
    )
  })

  it("reports every problem at once", () => {
    const problems = problemsOf({
      DB_DRIVER: "postgresql",
      DB_PORT: "nope",
      DB_PASSWORD: "s3cret-pa55",
      DB_SQLITE_SYNCHRONOUS: "OFF",
    })
    expect(problems.length).toBe(3)
  })

  it("requires DB_DATABASE for SQLite", () => {
    expect(problemsOf({ DB_DRIVER: "sqlite" })[0]).toMatch(/DB_DATABASE/)
  })

  it("refuses DATABASE_URL together with DB_* variables, and a URL of an unknown scheme", () => {
    expect(
      problemsOf({ DATABASE_URL: "postgres://a@b/c", DB_DRIVER: "sqlite", DB_DATABASE: "x.db" })[0],
    ).toMatch(/both set/)
    expect(problemsOf({ DATABASE_URL: "oracle://a:s3cret-pa55@b/c" })[0]).toMatch(
      /unknown scheme "oracle"/,
    )
  })

  it("never puts the password in an error, even a URL's", () => {
    const problems = problemsOf({ DATABASE_URL: "postgres://app:s3cret-pa55@db:99999/x" })
    expect(problems.join(" ")).not.toContain("s3cret-pa55")
  })
})

describe("describeTarget", () => {
  it("masks the password", () => {
    const target = describeTarget(dataSourceOptionsFromEnv({ ...SERVER, DB_DRIVER: "postgresql" }))
    expect(target).toBe("postgres://app:***@db.internal:5432/concrete")
  })
})

describe("loadEnv", () => {
  it("reads .env under the process environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "concrete-env-"))
    writeFileSync(join(dir, ".env"), "DB_DRIVER=sqlite\nDB_DATABASE=from-file.db\n")
    expect(loadEnv(dir, {})).toMatchObject({ DB_DRIVER: "sqlite", DB_DATABASE: "from-file.db" })
    expect(loadEnv(dir, { DB_DATABASE: "from-env.db" })).toMatchObject({
      DB_DATABASE: "from-env.db",
    })
    expect(loadEnv(join(dir, "missing"), { A: "1" })).toEqual({ A: "1" })
  })
})

describe("isEmbeddedDefault", () => {
  it("is true only when no variable of the connection is set", () => {
    expect(isEmbeddedDefault({})).toBe(true)
    // Variables that do not name a database leave the default in place.
    expect(isEmbeddedDefault({ DB_ENTITIES: "dist/*.js", DB_POOL_SIZE: "3", DB_DRIVER: " " })).toBe(
      true,
    )
    expect(isEmbeddedDefault({ DB_DRIVER: "sqlite", DB_DATABASE: "sql_app.db" })).toBe(false)
    expect(isEmbeddedDefault({ DB_DATABASE: "app.db" })).toBe(false)
    expect(isEmbeddedDefault({ DB_PASSWORD: "" })).toBe(false)
    expect(isEmbeddedDefault({ DATABASE_URL: "sqlite:///sql_app.db" })).toBe(false)
    expect(isEmbeddedDefault({ ...SERVER, DB_DRIVER: "postgresql" })).toBe(false)
  })
})
