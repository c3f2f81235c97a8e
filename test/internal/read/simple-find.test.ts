import { Equal, In, IsNull, Not, type FindManyOptions } from "typeorm"
import { Operator, Orchestrator } from "../../../src"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import { KeysetCondition } from "../../../src/internal/read/keyset-condition"
import { PrefixCondition } from "../../../src/internal/read/prefix-condition"
import { compileSimpleFind } from "../../../src/internal/read/simple-find"
import { findSql } from "../../../src/internal/sql/select-sql"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"

const ID = "0190a000-0000-7000-8000-0000000000f1"

describe.each(DIALECTS)("compileSimpleFind on %s", (kind) => {
  let offline: OfflinePlans
  let plan: EntityPlan
  const column = (property: string) =>
    plan.columns.find((candidate) => candidate.property === property)!
  const compile = (options: unknown) =>
    compileSimpleFind(plan, options as FindManyOptions | undefined)
  beforeAll(async () => {
    offline = await offlinePlans(kind)
    plan = offline.plan(Operator)
  })

  describe("compiles", () => {
    it("no options to a select of every row", () => {
      expect(compile(undefined)).toEqual({
        sql: findSql(plan, { where: [], order: [], take: false, skip: false }),
        params: [],
        relations: undefined,
      })
      expect(compile({})!.params).toEqual([])
    })

    it("equality on columns, with values as the database holds them", () => {
      const compiled = compile({ where: { name: "op", orchestratorId: ID.toUpperCase() } })!
      expect(compiled.sql).toBe(
        findSql(plan, {
          where: [column("name"), column("orchestratorId")],
          order: [],
          take: false,
          skip: false,
        }),
      )
      expect(compiled.params).toEqual(["op", ID])
    })

    it("a PrefixCondition to a LIKE after the equalities, its pattern as the parameter", () => {
      const compiled = compile({
        where: { name: PrefixCondition.startsWith("50%_a!"), orchestratorId: ID },
      })!
      expect(compiled.sql).toBe(
        findSql(plan, {
          where: [column("orchestratorId")],
          prefixed: [column("name")],
          order: [],
          take: false,
          skip: false,
        }),
      )
      expect(compiled.sql).toContain(`${column("name").sqlName} LIKE `)
      expect(compiled.sql).toContain(" ESCAPE '!'")
      expect(compiled.params).toEqual([ID, "50!%!_a!!%"])
    })

    it("a Date or a finite number as an equality value", () => {
      const at = new Date("2026-01-01T00:00:00.000Z")
      const compiled = compile({ where: { createdAt: at } })!
      expect(compiled.params).toEqual([column("createdAt").toDatabase(at)])
    })

    it("ordering by columns, in any of TypeORM's spellings of a direction", () => {
      const compiled = compile({ order: { name: "desc", title: 1, createdAt: "ASC", id: -1 } })!
      expect(compiled.sql).toBe(
        findSql(plan, {
          where: [],
          order: [
            { column: column("name"), direction: "DESC" },
            { column: column("title"), direction: "ASC" },
            { column: column("createdAt"), direction: "ASC" },
            { column: column("id"), direction: "DESC" },
          ],
          take: false,
          skip: false,
        }),
      )
    })

    it("take and skip, as the last parameters in that order, zero included", () => {
      const compiled = compile({ where: { name: "op" }, take: 10, skip: 0 })!
      if (plan.dialect.limitInText) {
        expect(compiled.sql).toBe(
          findSql(plan, { where: [column("name")], order: [], take: 10, skip: true }),
        )
        expect(compiled.params).toEqual(["op", 0])
      } else {
        expect(compiled.sql).toBe(
          findSql(plan, { where: [column("name")], order: [], take: true, skip: true }),
        )
        expect(compiled.params).toEqual(["op", 10, 0])
      }
      expect(compile({ skip: 5 })!.params).toEqual([5])
    })

    it("take into the SQL's text where the dialect wants a LIMIT there, zero included", () => {
      const ten = compile({ where: { name: "op" }, take: 10 })!
      const zero = compile({ where: { name: "op" }, take: 0 })!
      expect(ten.sql.endsWith(plan.dialect.limitInText ? " LIMIT 10" : " LIMIT ?")).toBe(
        kind !== "postgres",
      )
      if (plan.dialect.limitInText) {
        expect(zero.sql.endsWith(" LIMIT 0")).toBe(true)
        expect([ten.params, zero.params]).toEqual([["op"], ["op"]])
      } else {
        expect(zero.sql).toBe(ten.sql)
        expect([ten.params, zero.params]).toEqual([
          ["op", 10],
          ["op", 0],
        ])
      }
    })

    it("options whose value is undefined, as if they were absent", () => {
      expect(compile({ select: undefined, where: undefined, take: undefined })).toBeDefined()
    })

    it("relations it can load, into a tree", () => {
      expect(compile({ relations: ["orchestrator", "tools"] })!.relations).toEqual({
        orchestrator: {},
        tools: {},
      })
      expect(compile({ relations: { orchestrator: { user: true } } })!.relations).toEqual({
        orchestrator: { user: {} },
      })
    })
  })

  describe("finds of one shape", () => {
    it("share one statement, each with its own values", () => {
      const first = compile({ where: { name: "a", orchestratorId: ID }, take: 5 })!
      const second = compile({ where: { name: "b", orchestratorId: ID.toUpperCase() }, take: 5 })!
      expect(second.sql).toBe(first.sql)
      const take = plan.dialect.limitInText ? [] : [5]
      expect(first.params).toEqual(["a", ID, ...take])
      expect(second.params).toEqual(["b", ID, ...take])
    })

    it("share one statement whatever they take, unless the dialect wants the LIMIT in the text", () => {
      const five = compile({ where: { name: "a" }, take: 5 })!
      const seven = compile({ where: { name: "a" }, take: 7 })!
      expect(seven.sql === five.sql).toBe(!plan.dialect.limitInText)
      expect(compile({ where: { name: "b" }, take: 7 })!.sql).toBe(seven.sql)
    })

    it("In([…]) to an IN of one parameter per value after the equalities, as the database holds them", () => {
      const compiled = compile({
        where: {
          orchestratorId: In([ID.toUpperCase()]),
          name: In(["a", "b"]),
          title: PrefixCondition.startsWith("t"),
          profilePictureUrl: "p",
        },
      })!
      expect(compiled.sql).toBe(
        findSql(plan, {
          where: [column("profilePictureUrl")],
          listed: [
            { column: column("orchestratorId"), count: 1 },
            { column: column("name"), count: 2 },
          ],
          prefixed: [column("title")],
          order: [],
          take: false,
          skip: false,
        }),
      )
      const p = (n: number) => plan.dialect.placeholder(n)
      expect(compiled.sql).toContain(
        `${column("orchestratorId").sqlName} IN (${p(2)}) AND ${column("name").sqlName} IN (${p(3)}, ${p(4)})`,
      )
      expect(compiled.params).toEqual(["p", ID, "a", "b", "t%"])
      // Each count of values is a statement of its own.
      expect(compile({ where: { name: In(["a", "b", "c"]) } })!.sql).not.toBe(
        compile({ where: { name: In(["a", "b"]) } })!.sql,
      )
    })

    it("differ from finds naming the same properties in another order or with other kinds of value", () => {
      const nameFirst = compile({ where: { name: "a", title: "t" } })!
      const titleFirst = compile({ where: { title: "t", name: "a" } })!
      expect(titleFirst.sql).not.toBe(nameFirst.sql)
      expect(titleFirst.params).toEqual(["t", "a"])
      const prefixed = compile({ where: { name: PrefixCondition.startsWith("a"), title: "t" } })!
      expect(prefixed.sql).toContain(" LIKE ")
      expect(prefixed.params).toEqual(["t", "a%"])
      expect(compile({ order: { name: "DESC" } })!.sql).not.toBe(
        compile({ order: { name: "ASC" } })!.sql,
      )
      expect(compile({ take: 1 })!.sql).not.toBe(compile({ skip: 1 })!.sql)
    })

    it("are told apart whatever their property names hold", () => {
      expect(compile({ where: { name: "a", title: "t" } })).toBeDefined()
      // Unknown properties that would spell the same shape if names were not delimited.
      expect(compile({ where: { "name=|title": "a" } })).toBeUndefined()
      expect(compile({ where: { "name=|5:title": "a" } })).toBeUndefined()
      expect(compile({ where: { "4:name=|5:title": "a" } })).toBeUndefined()
      expect(compile({ order: { "name'3:ASC": "ASC" } })).toBeUndefined()
    })

    it("are refused again once refused, while the same properties with usable values compile", () => {
      expect(compile({ order: { name: "sideways" } })).toBeUndefined()
      expect(compile({ order: { name: "sideways" } })).toBeUndefined()
      expect(compile({ order: { name: "asc" } })).toBeDefined()
      expect(compile({ where: { name: null } })).toBeUndefined()
      expect(compile({ where: { name: "a" } })).toBeDefined()
      expect(compile({ where: { name: null } })).toBeUndefined()
      expect(compile({ take: 5 })).toBeDefined()
      expect(compile({ take: -5 })).toBeUndefined()
    })

    it("with a keyset range each convert their boundary and tie, per side and tie", () => {
      const at = new Date("2026-01-01T00:00:00.000Z")
      const later = new Date("2026-02-01T00:00:00.000Z")
      const after = (boundary: Date, id: string) =>
        compile({
          where: {
            orchestratorId: ID,
            createdAt: new KeysetCondition("after", boundary, {
              property: "id",
              column: "id",
              value: id,
            }),
          },
          take: 2,
        })!
      const first = after(at, ID)
      const second = after(later, ID.toUpperCase())
      expect(second.sql).toBe(first.sql)
      const converted = column("createdAt").toDatabase(later)
      expect(second.params).toEqual([
        ID,
        converted,
        converted,
        converted,
        ID,
        ...(plan.dialect.limitInText ? [] : [2]),
      ])
      const before = compile({
        where: {
          orchestratorId: ID,
          createdAt: new KeysetCondition("before", at, { property: "id", column: "id", value: ID }),
        },
        take: 2,
      })!
      expect(before.sql).not.toBe(first.sql)
      expect(
        compile({
          where: {
            createdAt: new KeysetCondition("after", at, {
              property: "nickname",
              column: "n",
              value: 1,
            }),
          },
        }),
      ).toBeUndefined()
    })
  })

  describe("leaves to TypeORM (undefined)", () => {
    it.each([
      ["an empty In([])", { where: { name: In([]) } }],
      ["In(...) holding null", { where: { name: In(["a", null]) } }],
      [
        "In(...) of more than 16 values",
        { where: { name: In(Array.from({ length: 17 }, String)) } },
      ],
      ["Equal(...)", { where: { name: Equal("a") } }],
      ["Not(...)", { where: { name: Not("a") } }],
      ["IsNull()", { where: { name: IsNull() } }],
      ["null", { where: { name: null } }],
      ["a boolean", { where: { name: true } }],
      ["NaN", { where: { name: Number.NaN } }],
      ["Infinity", { where: { name: Number.POSITIVE_INFINITY } }],
      ["a nested object", { where: { orchestrator: { id: ID } } }],
      ["an array of conditions (OR)", { where: [{ name: "a" }, { name: "b" }] }],
      ["an unknown property", { where: { nickname: "a" } }],
    ])("a where with %s", (_name, options) => {
      expect(compile(options)).toBeUndefined()
    })

    it.each([
      ["select", { select: { id: true } }],
      ["withDeleted", { withDeleted: true }],
      ["lock", { lock: { mode: "pessimistic_write" } }],
      ["cache", { cache: true }],
      ["loadEagerRelations", { loadEagerRelations: false }],
    ])("the option %s", (_name, options) => {
      expect(compile(options)).toBeUndefined()
    })

    it.each([
      ["an unknown property", { order: { nickname: "ASC" } }],
      ["an unknown direction", { order: { name: "sideways" } }],
      ["a direction object", { order: { name: { direction: "ASC" } } }],
      ["a relation", { order: { orchestrator: { name: "ASC" } } }],
    ])("an order by %s", (_name, options) => {
      expect(compile(options)).toBeUndefined()
    })

    it.each([
      ["take", -1],
      ["take", 1.5],
      ["take", 2 ** 53],
      ["take", "10"],
      ["take", Number.NaN],
      ["skip", -1],
      ["skip", 2.5],
      ["skip", "3"],
    ])("%s of %p", (option, value) => {
      expect(compile({ [option]: value })).toBeUndefined()
    })

    it("relations it does not know", () => {
      expect(compile({ relations: ["nothing"] })).toBeUndefined()
      expect(compile({ relations: "orchestrator" })).toBeUndefined()
    })
  })

  it("compiles for another entity with that entity's columns", () => {
    const orchestrators = offline.plan(Orchestrator)
    const compiled = compileSimpleFind(orchestrators, { where: { type: "software" } })!
    expect(compiled.sql.startsWith(`SELECT ${orchestrators.columns[0]!.sqlName}`)).toBe(true)
    expect(compiled.sql).toContain(`FROM ${orchestrators.table} WHERE`)
  })
})
