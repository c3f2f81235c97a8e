import { ConfigurationError, createDataSource, dataSourceOptionsFromEnv } from "../src"
import { readReplicasFromEnv } from "../src/read-replicas-option"

const PRIMARY = {
  DB_DRIVER: "postgresql",
  DB_USERNAME: "app",
  DB_PASSWORD: "s3cret-pa55",
  DB_HOST: "writer.internal",
  DB_PORT: "5432",
  DB_DATABASE: "concrete",
}
const primary = dataSourceOptionsFromEnv(PRIMARY)

function problemsOf(replicas: string, env: Record<string, string> = PRIMARY): readonly string[] {
  try {
    readReplicasFromEnv({ DB_READ_REPLICAS: replicas }, dataSourceOptionsFromEnv(env))
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).not.toMatch(/s3cret|hunter2/)
    return (error as ConfigurationError).problems
  }
  throw new Error("expected a ConfigurationError")
}

describe("readReplicasFromEnv", () => {
  it("lists none when DB_READ_REPLICAS is unset or blank", () => {
    expect(readReplicasFromEnv({}, primary)).toEqual([])
    expect(readReplicasFromEnv({ DB_READ_REPLICAS: "  " }, primary)).toEqual([])
  })

  it("reads host:port entries with the primary's user, password and database", () => {
    const replicas = readReplicasFromEnv(
      { DB_READ_REPLICAS: "reader-1:5433, reader-2 ,[::1]:6432" },
      primary,
    )
    const same = { username: "app", password: "s3cret-pa55", database: "concrete" }
    expect(replicas).toEqual([
      { host: "reader-1", port: 5433, ...same },
      { host: "reader-2", port: 5432, ...same },
      { host: "::1", port: 6432, ...same },
    ])
  })

  it("reads URLs, taking from the primary what a URL leaves out", () => {
    const replicas = readReplicasFromEnv(
      {
        DB_READ_REPLICAS: "postgresql://reader:p%40ss@reader-1:6000/other,postgres://reader-2",
      },
      primary,
    )
    expect(replicas).toEqual([
      { host: "reader-1", port: 6000, username: "reader", password: "p@ss", database: "other" },
      {
        host: "reader-2",
        port: 5432,
        username: "app",
        password: "s3cret-pa55",
        database: "concrete",
      },
    ])
  })

  it("names each bad entry, its password masked", () => {
    const problems = problemsOf(
      "good:5432,bad:port,postgresql://u:hunter2@h:99999/db,mysql://u:hunter2@h/db,reader:1:2,,user:hunter2@h",
    )
    expect(problems).toEqual([
      expect.stringContaining('"bad:port" has the port "port"'),
      expect.stringContaining('"postgresql://u:***@h:99999/db" is not a valid URL'),
      expect.stringContaining('"mysql://u:***@h/db" has the scheme "mysql"'),
      expect.stringContaining('"reader:1:2" is neither host:port nor a postgresql:// URL'),
      expect.stringContaining("an empty entry (number 6)"),
      expect.stringContaining('"user:***@h" is neither host:port'),
    ])
  })

  it("refuses replicas for MariaDB and SQLite: they are PostgreSQL-only", () => {
    const mariadb = { ...PRIMARY, DB_DRIVER: "mariadb", DB_PORT: "3306" }
    expect(problemsOf("reader:3306", mariadb)).toEqual([
      expect.stringMatching(/PostgreSQL-only and the database is mariadb; unset DB_READ_REPLICAS/),
    ])
    expect(problemsOf("reader:5432", { DB_DRIVER: "sqlite", DB_DATABASE: "a.db" })).toEqual([
      expect.stringMatching(/PostgreSQL-only and the database is better-sqlite3/),
    ])
  })

  it("is read by createDataSource, which fails on a bad entry before connecting", () => {
    expect(() => createDataSource({ env: { ...PRIMARY, DB_READ_REPLICAS: "reader:0" } })).toThrow(
      /DB_READ_REPLICAS entry "reader:0" has the port "0"/,
    )
  })
})
