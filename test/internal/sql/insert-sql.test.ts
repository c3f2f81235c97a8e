import { Message } from "../../../src"
import type { DialectKind } from "../../../src/internal/drivers/dialect"
import { insertSql } from "../../../src/internal/sql/insert-sql"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"
import { TestDefaulted, TestPair } from "../support/test-entities"

const TWO_ROWS: Record<DialectKind, string> = {
  sqlite: `INSERT INTO "test_pair" ("left_key", "right_key", "label") VALUES (?, ?, ?), (?, ?, ?)`,
  postgres: `INSERT INTO "test_pair" ("left_key", "right_key", "label") VALUES ($1, $2, $3), ($4, $5, $6)`,
  mysql: "INSERT INTO `test_pair` (`left_key`, `right_key`, `label`) VALUES (?, ?, ?), (?, ?, ?)",
}

const WITHOUT_DEFAULTED: Record<DialectKind, string> = {
  sqlite: `INSERT INTO "test_defaulted" ("id", "name") VALUES (?, ?)`,
  postgres: `INSERT INTO "test_defaulted" ("id", "name") VALUES ($1, $2)`,
  mysql: "INSERT INTO `test_defaulted` (`id`, `name`) VALUES (?, ?)",
}

describe.each(DIALECTS)("insertSql on %s", (kind) => {
  let offline: OfflinePlans
  beforeAll(async () => {
    offline = await offlinePlans(kind)
  })

  it("lists the columns and one group of placeholders per row", () => {
    const plan = offline.plan(TestPair)
    expect(insertSql(plan, plan.columns, 2, "")).toBe(TWO_ROWS[kind])
  })

  it("leaves out the columns a key omits", () => {
    const plan = offline.plan(TestDefaulted)
    const score = plan.columns.find((column) => column.property === "score")!
    const key = `${score.index},`
    expect(insertSql(plan, plan.columnsWithout(key), 1, key)).toBe(WITHOUT_DEFAULTED[kind])
  })

  it("numbers placeholders across all rows, one per column and row", () => {
    const plan = offline.plan(Message)
    const sql = insertSql(plan, plan.columns, 500, "")
    const width = plan.columns.length
    const slots = sql.match(kind === "postgres" ? /\$\d+/g : /\?/g) ?? []
    expect(slots).toHaveLength(500 * width)
    if (kind === "postgres") {
      expect(slots.at(-1)).toBe(`$${500 * width}`)
      expect(new Set(slots).size).toBe(500 * width)
    }
  })

  it("builds the text of a shape once, then reuses it", () => {
    const plan = offline.plan(TestPair)
    const placeholder = jest.spyOn(plan.dialect, "placeholder")
    try {
      const first = insertSql(plan, plan.columns, 7, "")
      const calls = placeholder.mock.calls.length
      expect(calls).toBe(7 * plan.columns.length)
      expect(insertSql(plan, plan.columns, 7, "")).toBe(first)
      expect(placeholder.mock.calls.length).toBe(calls)
      expect(insertSql(plan, plan.columns, 8, "")).not.toBe(first)
    } finally {
      placeholder.mockRestore()
    }
  })
})
