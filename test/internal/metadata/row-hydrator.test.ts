import { Message, Operator } from "../../../src"
import type { ColumnPlan } from "../../../src/internal/metadata/column-plan"
import { compileRowAssigner } from "../../../src/internal/metadata/row-hydrator"
import { DIALECTS, offlinePlans } from "../support/offline-plans"

// The parts of a column plan the assigner reads; the rest is never touched.
function columnPlan(index: number, parts: Partial<ColumnPlan>): ColumnPlan {
  return {
    index,
    property: undefined,
    embedded: false,
    readsAsIs: true,
    fromDatabase: (value: unknown) => value,
    ...parts,
  } as ColumnPlan
}

describe("compileRowAssigner", () => {
  it("stores each column's value under its property, converting only where the column converts", () => {
    const content = { kept: "as read" }
    const assign = compileRowAssigner([
      columnPlan(0, { property: "id" }),
      columnPlan(1, { property: "content" }),
      columnPlan(2, {
        property: "count",
        readsAsIs: false,
        fromDatabase: (value) => Number(value) * 2,
      }),
    ])
    const entity: Record<string, unknown> = {}
    assign(entity, ["a", content, "21"])
    expect(entity).toEqual({ id: "a", content, count: 42 })
    expect(entity.content).toBe(content)
  })

  it("stores under property names holding quotes, backslashes and line breaks as they are", () => {
    const names = [`a"b`, "c'd", "e\\f", "g\nh", "i`${j}`"]
    const assign = compileRowAssigner(
      names.map((property, index) => columnPlan(index, { property })),
    )
    const entity: Record<string, unknown> = {}
    assign(
      entity,
      names.map((_, index) => index),
    )
    expect(Object.keys(entity)).toEqual(names)
    expect(names.map((name) => entity[name])).toEqual([0, 1, 2, 3, 4])
  })

  it("writes a column of an embedded object through its metadata, converted", () => {
    const assign = compileRowAssigner([
      columnPlan(0, {
        embedded: true,
        readsAsIs: false,
        fromDatabase: (value) => String(value).toUpperCase(),
        column: {
          setEntityValue: (entity: Record<string, unknown>, value: unknown) => {
            entity.address = { city: value }
          },
        } as unknown as ColumnPlan["column"],
      }),
      columnPlan(1, {}),
    ])
    const entity: Record<string, unknown> = {}
    assign(entity, ["paris", "a join column without a property"])
    expect(entity).toEqual({ address: { city: "PARIS" } })
  })
})

describe.each(DIALECTS)("EntityPlan.hydrate on %s", (kind) => {
  it("builds an instance of the entity's class without its constructor, every column converted", async () => {
    const offline = await offlinePlans(kind)
    const plan = offline.plan(Operator)
    const at = new Date("2026-11-29T09:00:00.123Z")
    const stored = kind === "sqlite" ? "2026-11-29 09:00:00.123" : at
    const row = plan.columns.map((column) =>
      column.property === "createdAt" || column.property === "updatedAt"
        ? stored
        : column.property === undefined
          ? null
          : `${column.property}-value`,
    )
    const entity = plan.hydrate(row) as Operator
    expect(entity).toBeInstanceOf(Operator)
    expect(entity.name).toBe("name-value")
    expect(entity.createdAt).toEqual(at)
    expect(entity.updatedAt).toEqual(at)
    // Two columns of one time are two Dates: changing one in place leaves the other alone.
    expect(entity.createdAt).not.toBe(entity.updatedAt)
    expect(entity.createdAt).not.toBe(stored)
  })

  it("copies a row onto an existing instance (a refresh) with the same conversions", async () => {
    const offline = await offlinePlans(kind)
    const plan = offline.plan(Message)
    const first = plan.columns.map((column) => (column.property === "type" ? "a" : null))
    const second = plan.columns.map((column) => (column.property === "type" ? "b" : null))
    const entity = plan.hydrate(first) as Message
    plan.assignRow(entity, second)
    expect(entity.type).toBe("b")
  })
})
