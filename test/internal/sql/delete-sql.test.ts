import { Message } from "../../../src"
import type { DialectKind } from "../../../src/internal/drivers/dialect"
import { deleteSql } from "../../../src/internal/sql/delete-sql"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"
import { TestPair } from "../support/test-entities"

const BY_ID: Record<DialectKind, string> = {
  sqlite: `DELETE FROM "message" WHERE "id" IN (?, ?, ?)`,
  postgres: `DELETE FROM "message" WHERE "id" IN ($1, $2, $3)`,
  mysql: "DELETE FROM `message` WHERE `id` IN (?, ?, ?)",
}

const COMPOSITE: Record<DialectKind, string> = {
  sqlite: `DELETE FROM "test_pair" WHERE ("left_key" = ? AND "right_key" = ?) OR ("left_key" = ? AND "right_key" = ?)`,
  postgres: `DELETE FROM "test_pair" WHERE ("left_key" = $1 AND "right_key" = $2) OR ("left_key" = $3 AND "right_key" = $4)`,
  mysql:
    "DELETE FROM `test_pair` WHERE (`left_key` = ? AND `right_key` = ?) OR (`left_key` = ? AND `right_key` = ?)",
}

describe.each(DIALECTS)("deleteSql on %s", (kind) => {
  let offline: OfflinePlans
  beforeAll(async () => {
    offline = await offlinePlans(kind)
  })

  it("deletes rows of a single-column key with one IN list", () => {
    expect(deleteSql(offline.plan(Message), 3)).toBe(BY_ID[kind])
  })

  it("deletes rows of a composite key with an OR of each row's key columns", () => {
    expect(deleteSql(offline.plan(TestPair), 2)).toBe(COMPOSITE[kind])
  })

  it("builds the text of a row count once, then reuses it", () => {
    const plan = offline.plan(Message)
    deleteSql(plan, 4)
    const placeholder = jest.spyOn(plan.dialect, "placeholder")
    try {
      deleteSql(plan, 4)
      expect(placeholder).not.toHaveBeenCalled()
    } finally {
      placeholder.mockRestore()
    }
  })
})
