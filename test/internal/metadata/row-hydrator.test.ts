import { Message, Operator } from "../../../src"
import { readColumn, type ColumnPlan } from "../../../src/internal/metadata/column-plan"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
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
  const at = new Date("2026-11-29T09:00:00.123Z")
  // A value as this database's driver hands it over: a Date of its own for every value.
  const stored = (): unknown => (kind === "sqlite" ? "2026-11-29 09:00:00.123" : new Date(at))
  const operatorRow = (plan: EntityPlan): unknown[] =>
    plan.columns.map((column) =>
      column.property === "createdAt" || column.property === "updatedAt"
        ? stored()
        : column.property === undefined
          ? null
          : `${column.property}-value`,
    )

  it("builds an instance of the entity's class without its constructor, every column converted", async () => {
    const plan = (await offlinePlans(kind)).plan(Operator)
    const entity = plan.hydrate(operatorRow(plan)) as Operator
    expect(entity).toBeInstanceOf(Operator)
    expect(entity.name).toBe("name-value")
    expect(entity.createdAt).toEqual(at)
    expect(entity.updatedAt).toEqual(at)
    // Two columns of one time are two Dates: changing one in place leaves the other alone.
    expect(entity.createdAt).not.toBe(entity.updatedAt)
  })

  it("leaves in the row what the snapshot keeps, and primary-key and join-column values as read", async () => {
    const plan = (await offlinePlans(kind)).plan(Operator)
    const row = operatorRow(plan)
    const read = [...row]
    const entity = plan.hydrate(row) as Operator
    for (const column of plan.columns) {
      const before = read[column.index]
      // The row is the snapshot: the entity just read compares unchanged with it.
      expect(column.unchanged(readColumn(entity, column), row[column.index])).toBe(true)
      if (column.isPrimary || column.relation) expect(row[column.index]).toBe(before)
    }
    // The driver's Date is the entity's (no copy); the snapshot has its time, not the object.
    if (kind !== "sqlite") {
      const createdAt = plan.columns.find((column) => column.property === "createdAt")!
      expect(entity.createdAt).toBe(read[createdAt.index])
      expect(row[createdAt.index]).toBe(at.getTime())
    }
  })

  it("copies a row onto an existing instance (a refresh) with the same conversions", async () => {
    const plan = (await offlinePlans(kind)).plan(Message)
    const first = plan.columns.map((column) => (column.property === "type" ? "a" : null))
    const second = plan.columns.map((column) => (column.property === "type" ? "b" : null))
    const entity = plan.hydrate(first) as Message
    plan.assignRow(entity, second)
    expect(entity.type).toBe("b")
  })
})
