import { DataSource, type DataSourceOptions } from "typeorm"
import { dialectOf } from "../../../src/internal/drivers/dialect"

// A DataSource builds its driver without connecting: nothing here needs a database.
const sourceOf = (options: DataSourceOptions) => new DataSource(options)
const SQLITE = sourceOf({ type: "better-sqlite3", database: ":memory:" })
const POSTGRES = sourceOf({ type: "postgres", host: "127.0.0.1", database: "none" })
const MYSQL = sourceOf({ type: "mysql", host: "127.0.0.1", database: "none" })
const MARIADB = sourceOf({ type: "mariadb", host: "127.0.0.1", database: "none" })

const NAMES = ["user", "createdAt", 'we"ird', "back`tick", "select"]

describe("dialectOf", () => {
  it("picks the dialect of the data source's driver, MariaDB as MySQL", () => {
    expect(dialectOf(SQLITE).kind).toBe("sqlite")
    expect(dialectOf(POSTGRES).kind).toBe("postgres")
    expect(dialectOf(MYSQL).kind).toBe("mysql")
    expect(dialectOf(MARIADB).kind).toBe("mysql")
  })

  it("refuses a database concrete-db sessions do not support", () => {
    const oracle = { options: { type: "oracle" }, driver: { options: { type: "oracle" } } }
    expect(() => dialectOf(oracle as unknown as DataSource)).toThrow(
      "concrete-db sessions support SQLite (better-sqlite3), PostgreSQL and MySQL/MariaDB, not oracle",
    )
  })

  it.each([
    ["SQLite", SQLITE],
    ["PostgreSQL", POSTGRES],
    ["MySQL", MYSQL],
  ])("quotes identifiers on %s exactly as TypeORM's driver does", (_name, dataSource) => {
    const dialect = dialectOf(dataSource)
    for (const name of NAMES) expect(dialect.escape(name)).toBe(dataSource.driver.escape(name))
  })
})

describe("the SQLite dialect", () => {
  const dialect = dialectOf(SQLITE)

  it("writes ? for every parameter and double-quotes identifiers", () => {
    expect([1, 2, 300].map((index) => dialect.placeholder(index))).toEqual(["?", "?", "?"])
    expect(dialect.escape('we"ird')).toBe('"we""ird"')
  })

  it("stays below SQLite's bound-parameter limit", () => {
    expect(dialect.maxParameters).toBe(32_766)
  })

  it("needs LIMIT -1 before an OFFSET without LIMIT", () => {
    expect(dialect.offsetWithoutLimit).toBe(" LIMIT -1")
  })

  it("wants a find's LIMIT in the text, where a parameter would re-prepare every run", () => {
    expect(dialect.limitInText).toBe(true)
  })

  it("ignores duplicate rows with ON CONFLICT DO NOTHING", () => {
    expect(dialect.ignoreDuplicateSuffix(["id"])).toBe(" ON CONFLICT DO NOTHING")
  })
})

describe("the PostgreSQL dialect", () => {
  const dialect = dialectOf(POSTGRES)

  it("numbers its parameters from $1", () => {
    expect([1, 2, 65_535].map((index) => dialect.placeholder(index))).toEqual([
      "$1",
      "$2",
      "$65535",
    ])
    expect(dialect.escape("createdAt")).toBe('"createdAt"')
  })

  it("stays below the 65 535 parameters of the wire protocol", () => {
    expect(dialect.maxParameters).toBe(65_535)
  })

  it("lets OFFSET stand alone", () => {
    expect(dialect.offsetWithoutLimit).toBe("")
  })

  it("sends a find's LIMIT as a parameter", () => {
    expect(dialect.limitInText).toBe(false)
  })

  it("ignores duplicate rows with ON CONFLICT DO NOTHING", () => {
    expect(dialect.ignoreDuplicateSuffix(["id"])).toBe(" ON CONFLICT DO NOTHING")
  })
})

describe("the MySQL dialect", () => {
  const dialect = dialectOf(MYSQL)

  it("writes ? for every parameter and backquotes identifiers", () => {
    expect([1, 2, 300].map((index) => dialect.placeholder(index))).toEqual(["?", "?", "?"])
    expect(dialect.escape("back`tick")).toBe("`back``tick`")
  })

  it("keeps statements well below max_allowed_packet", () => {
    expect(dialect.maxParameters).toBe(65_535)
    expect(dialect.maxStatementBytes).toBe(4 * 1024 * 1024)
  })

  it("needs the largest LIMIT before an OFFSET without LIMIT", () => {
    expect(dialect.offsetWithoutLimit).toBe(" LIMIT 18446744073709551615")
  })

  it("sends a find's LIMIT as a parameter", () => {
    expect(dialect.limitInText).toBe(false)
  })

  it("ignores duplicate rows with a no-op update of the first primary column", () => {
    expect(dialect.ignoreDuplicateSuffix(["user_id", "tool_id"])).toBe(
      " ON DUPLICATE KEY UPDATE `user_id` = `user_id`",
    )
    expect(dialect.ignoreDuplicateSuffix([])).toBe(" ON DUPLICATE KEY UPDATE `id` = `id`")
  })
})
