import { Message, Operator, Tool } from "../../../src"
import type { DialectKind } from "../../../src/internal/drivers/dialect"
import type { ColumnPlan } from "../../../src/internal/metadata/column-plan"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import {
  findSql,
  selectByIdSql,
  selectInSql,
  selectLinkedSql,
  selectList,
} from "../../../src/internal/sql/select-sql"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"
import { TestPair } from "../support/test-entities"

type Expected = Record<DialectKind, string>

const PAIR_COLUMNS: Expected = {
  sqlite: `"left_key", "right_key", "label"`,
  postgres: `"left_key", "right_key", "label"`,
  mysql: "`left_key`, `right_key`, `label`",
}

const BY_ID: Expected = {
  sqlite: `SELECT "left_key", "right_key", "label" FROM "test_pair" WHERE "left_key" = ? AND "right_key" = ?`,
  postgres: `SELECT "left_key", "right_key", "label" FROM "test_pair" WHERE "left_key" = $1 AND "right_key" = $2`,
  mysql:
    "SELECT `left_key`, `right_key`, `label` FROM `test_pair` WHERE `left_key` = ? AND `right_key` = ?",
}

const IN_ORDERED: Expected = {
  sqlite: `SELECT "left_key", "right_key", "label" FROM "test_pair" WHERE "label" IN (?, ?) ORDER BY "left_key", "right_key"`,
  postgres: `SELECT "left_key", "right_key", "label" FROM "test_pair" WHERE "label" IN ($1, $2) ORDER BY "left_key", "right_key"`,
  mysql:
    "SELECT `left_key`, `right_key`, `label` FROM `test_pair` WHERE `label` IN (?, ?) ORDER BY `left_key`, `right_key`",
}

const LINKED: Expected = {
  sqlite: `SELECT t."id", t."created_at", t."updated_at", t."name", l."operator_id" FROM "tool" t INNER JOIN "operator_tool_link" l ON l."tool_id" = t."id" WHERE l."operator_id" IN (?, ?) ORDER BY t."id"`,
  postgres: `SELECT t."id", t."created_at", t."updated_at", t."name", l."operator_id" FROM "tool" t INNER JOIN "operator_tool_link" l ON l."tool_id" = t."id" WHERE l."operator_id" IN ($1, $2) ORDER BY t."id"`,
  mysql:
    "SELECT t.`id`, t.`created_at`, t.`updated_at`, t.`name`, l.`operator_id` FROM `tool` t INNER JOIN `operator_tool_link` l ON l.`tool_id` = t.`id` WHERE l.`operator_id` IN (?, ?) ORDER BY t.`id`",
}

const FIND_ALL_PARTS: Expected = {
  sqlite: `SELECT "left_key", "right_key", "label" FROM "test_pair" WHERE "label" = ? AND "right_key" = ? ORDER BY "left_key" DESC, "label" ASC LIMIT ? OFFSET ?`,
  postgres: `SELECT "left_key", "right_key", "label" FROM "test_pair" WHERE "label" = $1 AND "right_key" = $2 ORDER BY "left_key" DESC, "label" ASC LIMIT $3 OFFSET $4`,
  mysql:
    "SELECT `left_key`, `right_key`, `label` FROM `test_pair` WHERE `label` = ? AND `right_key` = ? ORDER BY `left_key` DESC, `label` ASC LIMIT ? OFFSET ?",
}

const FIND_SKIP_ONLY: Expected = {
  sqlite: `SELECT "left_key", "right_key", "label" FROM "test_pair" LIMIT -1 OFFSET ?`,
  postgres: `SELECT "left_key", "right_key", "label" FROM "test_pair" OFFSET $1`,
  mysql:
    "SELECT `left_key`, `right_key`, `label` FROM `test_pair` LIMIT 18446744073709551615 OFFSET ?",
}

const FIND_TAKE_ONLY: Expected = {
  sqlite: `SELECT "left_key", "right_key", "label" FROM "test_pair" WHERE "label" = ? LIMIT ?`,
  postgres: `SELECT "left_key", "right_key", "label" FROM "test_pair" WHERE "label" = $1 LIMIT $2`,
  mysql: "SELECT `left_key`, `right_key`, `label` FROM `test_pair` WHERE `label` = ? LIMIT ?",
}

describe.each(DIALECTS)("select SQL on %s", (kind) => {
  let offline: OfflinePlans
  let pair: EntityPlan
  const column = (plan: EntityPlan, property: string): ColumnPlan =>
    plan.columns.find((candidate) => candidate.property === property)!
  beforeAll(async () => {
    offline = await offlinePlans(kind)
    pair = offline.plan(TestPair)
  })

  it("selectList lists every column in plan order, with an alias if given", () => {
    expect(selectList(pair)).toBe(PAIR_COLUMNS[kind])
    const q = kind === "mysql" ? "`" : `"`
    expect(selectList(offline.plan(Message), "m").split(", ")[0]).toBe(`m.${q}id${q}`)
  })

  it("selectByIdSql matches every primary-key column", () => {
    expect(selectByIdSql(pair)).toBe(BY_ID[kind])
  })

  it("selectInSql matches a column against a list, ordered by the primary key when asked", () => {
    expect(selectInSql(pair, column(pair, "label"), 2, true)).toBe(IN_ORDERED[kind])
    expect(selectInSql(pair, column(pair, "label"), 2, false)).toBe(
      IN_ORDERED[kind].replace(/ ORDER BY .*$/, ""),
    )
  })

  it("selectLinkedSql reads the rows linked to several owners through the junction, with the owner's id last", () => {
    const link = offline.plan(Operator).links[0]!
    expect(selectLinkedSql(offline.plan(Tool), link, 2)).toBe(LINKED[kind])
  })

  describe("findSql", () => {
    it("puts equality, order, LIMIT and OFFSET in that order, parameters numbered the same way", () => {
      const sql = findSql(pair, {
        where: [column(pair, "label"), column(pair, "rightKey")],
        order: [
          { column: column(pair, "leftKey"), direction: "DESC" },
          { column: column(pair, "label"), direction: "ASC" },
        ],
        take: true,
        skip: true,
      })
      expect(sql).toBe(FIND_ALL_PARTS[kind])
    })

    it("writes what the dialect needs before OFFSET when there is no LIMIT", () => {
      expect(findSql(pair, { where: [], order: [], take: false, skip: true })).toBe(
        FIND_SKIP_ONLY[kind],
      )
    })

    it("writes a LIMIT without an OFFSET when only take is given", () => {
      expect(
        findSql(pair, { where: [column(pair, "label")], order: [], take: true, skip: false }),
      ).toBe(FIND_TAKE_ONLY[kind])
    })

    it("writes a LIMIT given as a number into the text, and tells numbers apart", () => {
      const shape = { where: [column(pair, "label")], order: [], skip: false }
      const five = findSql(pair, { ...shape, take: 5 })
      expect(five).toBe(FIND_TAKE_ONLY[kind].replace(/ LIMIT .*$/, " LIMIT 5"))
      expect(findSql(pair, { ...shape, take: 0 })).toBe(five.replace(" LIMIT 5", " LIMIT 0"))
      expect(findSql(pair, { ...shape, take: 5, skip: true })).toBe(
        `${five} OFFSET ${kind === "postgres" ? "$2" : "?"}`,
      )
      expect(findSql(pair, { ...shape, take: true })).toBe(FIND_TAKE_ONLY[kind])
    })

    it("refuses a LIMIT for the text that is not a whole number from 0 up", () => {
      for (const take of [-1, 1.5, Number.NaN, 2 ** 53]) {
        expect(() => findSql(pair, { where: [], order: [], take, skip: false })).toThrow(TypeError)
      }
    })

    it("selects everything for an empty shape", () => {
      expect(findSql(pair, { where: [], order: [], take: false, skip: false })).toBe(
        `SELECT ${PAIR_COLUMNS[kind]} FROM ${pair.table}`,
      )
    })

    it("builds the text of a shape once, and tells shapes apart", () => {
      const shape = { where: [column(pair, "label")], order: [], take: true, skip: false }
      findSql(pair, shape)
      const placeholder = jest.spyOn(pair.dialect, "placeholder")
      try {
        expect(findSql(pair, { ...shape })).toBe(FIND_TAKE_ONLY[kind])
        expect(placeholder).not.toHaveBeenCalled()
        expect(findSql(pair, { ...shape, skip: true })).not.toBe(FIND_TAKE_ONLY[kind])
        expect(findSql(pair, { ...shape, where: [column(pair, "rightKey")] })).not.toBe(
          FIND_TAKE_ONLY[kind],
        )
      } finally {
        placeholder.mockRestore()
      }
    })
  })
})
