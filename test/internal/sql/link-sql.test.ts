import { Operator, Tool } from "../../../src"
import type { DialectKind } from "../../../src/internal/drivers/dialect"
import type { LinkPlan } from "../../../src/internal/metadata/link-plan"
import { linkSql, unlinkSql } from "../../../src/internal/sql/link-sql"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"

const LINK_TWO: Record<DialectKind, string> = {
  sqlite: `INSERT INTO "operator_tool_link" ("operator_id", "tool_id") VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING`,
  postgres: `INSERT INTO "operator_tool_link" ("operator_id", "tool_id") VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING`,
  mysql:
    "INSERT INTO `operator_tool_link` (`operator_id`, `tool_id`) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE `operator_id` = `operator_id`",
}

const UNLINK_SOME: Record<DialectKind, string> = {
  sqlite: `DELETE FROM "operator_tool_link" WHERE "operator_id" = ? AND "tool_id" IN (?, ?)`,
  postgres: `DELETE FROM "operator_tool_link" WHERE "operator_id" = $1 AND "tool_id" IN ($2, $3)`,
  mysql: "DELETE FROM `operator_tool_link` WHERE `operator_id` = ? AND `tool_id` IN (?, ?)",
}

const UNLINK_ALL_BUT: Record<DialectKind, string> = {
  sqlite: `DELETE FROM "operator_tool_link" WHERE "operator_id" = ? AND "tool_id" NOT IN (?, ?)`,
  postgres: `DELETE FROM "operator_tool_link" WHERE "operator_id" = $1 AND "tool_id" NOT IN ($2, $3)`,
  mysql: "DELETE FROM `operator_tool_link` WHERE `operator_id` = ? AND `tool_id` NOT IN (?, ?)",
}

const UNLINK_ALL: Record<DialectKind, string> = {
  sqlite: `DELETE FROM "operator_tool_link" WHERE "operator_id" = ?`,
  postgres: `DELETE FROM "operator_tool_link" WHERE "operator_id" = $1`,
  mysql: "DELETE FROM `operator_tool_link` WHERE `operator_id` = ?",
}

const UNLINK_FROM_TOOL: Record<DialectKind, string> = {
  sqlite: `DELETE FROM "operator_tool_link" WHERE "tool_id" = ? AND "operator_id" IN (?)`,
  postgres: `DELETE FROM "operator_tool_link" WHERE "tool_id" = $1 AND "operator_id" IN ($2)`,
  mysql: "DELETE FROM `operator_tool_link` WHERE `tool_id` = ? AND `operator_id` IN (?)",
}

describe.each(DIALECTS)("link SQL on %s", (kind) => {
  let offline: OfflinePlans
  let operatorTools: LinkPlan
  let toolOperators: LinkPlan
  beforeAll(async () => {
    offline = await offlinePlans(kind)
    operatorTools = offline.plan(Operator).links[0]!
    toolOperators = offline
      .plan(Tool)
      .links.find((link) => link.relation.propertyName === "operators")!
  })

  describe("linkSql", () => {
    it("inserts link rows in the junction's column order with the dialect's ignore-duplicate suffix", () => {
      expect(linkSql(operatorTools, offline.dialect, 2)).toBe(LINK_TWO[kind])
    })

    it("keeps the junction's column order from the inverse side", () => {
      expect(toolOperators.ownFirst).toBe(false)
      expect(operatorTools.ownFirst).toBe(true)
      expect(linkSql(toolOperators, offline.dialect, 2)).toBe(LINK_TWO[kind])
    })

    it("builds a statement once per link and row count", () => {
      const two = linkSql(operatorTools, offline.dialect, 2)
      expect(linkSql(operatorTools, offline.dialect, 2)).toBe(two)
      expect(linkSql(operatorTools, offline.dialect, 3)).toBe(
        LINK_TWO[kind]
          .replace("(?, ?), (?, ?)", "(?, ?), (?, ?), (?, ?)")
          .replace("($3, $4)", "($3, $4), ($5, $6)"),
      )
    })
  })

  describe("unlinkSql", () => {
    it("removes the links to the ids given (keep false)", () => {
      expect(unlinkSql(operatorTools, offline.dialect, 2, false)).toBe(UNLINK_SOME[kind])
    })

    it("removes every link but those to the ids given (keep true)", () => {
      expect(unlinkSql(operatorTools, offline.dialect, 2, true)).toBe(UNLINK_ALL_BUT[kind])
    })

    it("removes every link of the owner when no ids are given, in either variant", () => {
      expect(unlinkSql(operatorTools, offline.dialect, 0, true)).toBe(UNLINK_ALL[kind])
      expect(unlinkSql(operatorTools, offline.dialect, 0, false)).toBe(UNLINK_ALL[kind])
    })

    it("matches this side's column from the inverse side", () => {
      expect(unlinkSql(toolOperators, offline.dialect, 1, false)).toBe(UNLINK_FROM_TOOL[kind])
    })
  })
})
