import { Message, Operator, User } from "../../../src"
import { ValidationError } from "../../../src/errors"
import type { ColumnPlan } from "../../../src/internal/metadata/column-plan"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import { prepareInsert } from "../../../src/internal/unit-of-work/change-set-computer"
import { validateWork } from "../../../src/internal/unit-of-work/work-validator"
import { make } from "../../support/graph"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"
import { TestVersioned } from "../support/test-entities"
import { workOf } from "../support/work-of"

const NOW = new Date("2026-01-02T03:04:05.678Z")
const ID = "0190a000-0000-7000-8000-0000000000a1"

describe.each(DIALECTS)("value checks on %s", (kind) => {
  let offline: OfflinePlans
  let plan: EntityPlan
  const column = (property: string): ColumnPlan =>
    plan.columns.find((candidate) => candidate.property === property)!
  beforeAll(async () => {
    offline = await offlinePlans(kind)
    plan = offline.plan(TestVersioned)
  })

  it("checks text, float, integer and date columns: not uuids or JSON", () => {
    expect(plan.checked.map((checked) => checked.property)).toEqual([
      "title",
      "ratio",
      "apiKey",
      "remark",
      "version",
    ])
    const message = offline.plan(Message)
    expect(message.checked.map((checked) => checked.property)).not.toContain("id")
    expect(message.checked.map((checked) => checked.property)).not.toContain("projectId")
    expect(message.checked.map((checked) => checked.property)).toContain("createdAt")
    expect(message.checked.map((checked) => checked.property)).toContain("content")
  })

  it.each([
    ["ordinary text", "note", undefined],
    ["8 emoji in a varchar(8)", "🤖".repeat(8), undefined],
    ["a lone high surrogate", "a\uD800b", /unpaired surrogate \(got "a\\ud800b"\)/],
    ["a lone low surrogate", "\uDC00", /unpaired surrogate/],
    ["a NUL character", "\u0000", /NUL character/],
    ["9 characters in a varchar(8)", "123456789", /shorter than or equal to 8 characters \(got 9/],
    ["9 emoji in a varchar(8)", "🤖".repeat(9), /shorter than or equal to 8 characters \(got 9/],
    ["null", null, undefined],
  ])("%s in a text column", (_label, value, reason) => {
    const result = column("title").check!(value)
    if (reason === undefined) expect(result).toBeUndefined()
    else expect(result).toMatch(reason)
  })

  it.each([
    [0.5, undefined],
    [null, undefined],
    [NaN, "must be a finite number (got NaN)"],
    [Infinity, "must be a finite number (got Infinity)"],
    [-Infinity, "must be a finite number (got -Infinity)"],
  ])("%p in a float column", (value, reason) => {
    expect(column("ratio").check!(value)).toBe(reason)
  })

  it("caps a plain text column at MySQL's 65,535 bytes everywhere, and a LongTextColumn by no byte count", () => {
    const instructions = offline
      .plan(Operator)
      .columns.find((candidate) => candidate.property === "instructions")!
    expect(instructions.check!("x".repeat(65_535))).toBeUndefined()
    expect(instructions.check!("é".repeat(32_767))).toBeUndefined()
    expect(instructions.check!("é".repeat(32_768))).toMatch(
      /^must be at most 65535 bytes in UTF-8 \(got 65536 bytes: "é/,
    )
    const content = offline
      .plan(Message)
      .columns.find((candidate) => candidate.property === "content")!
    expect(content.check!("x".repeat(70_000))).toBeUndefined()
  })

  it("holds a varchar declared without a length to 255 characters, as MySQL/MariaDB do", () => {
    expect(column("remark").check!("r".repeat(255))).toBeUndefined()
    expect(column("remark").check!("r".repeat(256))).toMatch(/shorter than or equal to 255/)
  })

  it("never shows the value of a secret column", () => {
    const reason = column("apiKey").check!("sk-live-123\u0000")
    expect(reason).toContain('"***"')
    expect(reason).not.toContain("sk-live")
  })

  describe("validateWork", () => {
    it("passes ordinary rows and returns the work", () => {
      const note = make(TestVersioned, { id: ID, title: "ok", ratio: 1.5 })
      const given = workOf({ inserts: [{ plan, entities: [note] }] })
      expect(validateWork(given, offline.dataSource)).toBe(given)
    })

    it("names every bad property of inserts and updates in one ValidationError", () => {
      const note = make(TestVersioned, { id: ID, title: "a\u0000", ratio: NaN })
      const users = offline.plan(User)
      const user = make(User, { email: "ada@example.com", firstName: "x".repeat(65) })
      prepareInsert(users, user, NOW)
      const changed = column("title")
      const error = (() => {
        try {
          validateWork(
            workOf({
              inserts: [
                { plan, entities: [note] },
                { plan: users, entities: [user] },
              ],
              updates: [{ plan, entity: note, columns: [changed], values: ["\uDFFF"] }],
            }),
            offline.dataSource,
          )
        } catch (caught) {
          return caught
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(ValidationError)
      const issues = (error as ValidationError).issues
      expect(issues.map((issue) => issue.property)).toEqual([
        "TestVersioned.title",
        "TestVersioned.ratio",
        "User.firstName",
      ])
      expect(issues[0]!.reasons).toHaveLength(2)
    })
  })
})
