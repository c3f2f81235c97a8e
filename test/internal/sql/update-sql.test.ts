import { Operator } from "../../../src"
import type { DialectKind } from "../../../src/internal/drivers/dialect"
import { updateSql } from "../../../src/internal/sql/update-sql"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"
import { TestPair } from "../support/test-entities"

const COMPOSITE: Record<DialectKind, string> = {
  sqlite: `UPDATE "test_pair" SET "label" = ? WHERE "left_key" = ? AND "right_key" = ?`,
  postgres: `UPDATE "test_pair" SET "label" = $1 WHERE "left_key" = $2 AND "right_key" = $3`,
  mysql: "UPDATE `test_pair` SET `label` = ? WHERE `left_key` = ? AND `right_key` = ?",
}

const TWO_COLUMNS: Record<DialectKind, string> = {
  sqlite: `UPDATE "operator" SET "title" = ?, "updated_at" = ? WHERE "id" = ?`,
  postgres: `UPDATE "operator" SET "title" = $1, "updated_at" = $2 WHERE "id" = $3`,
  mysql: "UPDATE `operator` SET `title` = ?, `updated_at` = ? WHERE `id` = ?",
}

describe.each(DIALECTS)("updateSql on %s", (kind) => {
  let offline: OfflinePlans
  beforeAll(async () => {
    offline = await offlinePlans(kind)
  })

  it("sets the changed columns and matches the primary key, whose placeholders come last", () => {
    const plan = offline.plan(Operator)
    const columns = ["title", "updatedAt"].map((property) =>
      plan.columns.find((column) => column.property === property)!,
    )
    const key = columns.map((column) => column.index).join(",")
    expect(updateSql(plan, columns, key)).toBe(TWO_COLUMNS[kind])
  })

  it("matches every column of a composite key", () => {
    const plan = offline.plan(TestPair)
    const label = plan.columns.filter((column) => column.property === "label")
    expect(updateSql(plan, label, String(label[0]!.index))).toBe(COMPOSITE[kind])
  })

  it("builds the text of a set of columns once, then reuses it", () => {
    const plan = offline.plan(TestPair)
    const label = plan.columns.filter((column) => column.property === "label")
    const key = String(label[0]!.index)
    updateSql(plan, label, key)
    const placeholder = jest.spyOn(plan.dialect, "placeholder")
    try {
      expect(updateSql(plan, label, key)).toBe(COMPOSITE[kind])
      expect(placeholder).not.toHaveBeenCalled()
    } finally {
      placeholder.mockRestore()
    }
  })
})
