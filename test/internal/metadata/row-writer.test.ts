import type { ColumnPlan } from "../../../src/internal/metadata/column-plan"
import { compileRowWriter } from "../../../src/internal/metadata/row-writer"

// The parts of a column plan the writer reads; the rest is never touched.
function columnPlan(index: number, parts: Partial<ColumnPlan>): ColumnPlan {
  return {
    index,
    property: undefined,
    embedded: false,
    relation: undefined,
    referencedProperty: undefined,
    toDatabase: (value: unknown) => (value === undefined ? null : value),
    keep: (value: unknown) => value,
    ...parts,
  } as ColumnPlan
}

const owner = (property: string | undefined) =>
  columnPlan(1, {
    property,
    relation: { propertyName: "owner" } as ColumnPlan["relation"],
    referencedProperty: "id",
  })

describe("compileRowWriter", () => {
  it("writes each value converted into the parameters from the offset and into the snapshot by index", () => {
    const write = compileRowWriter([
      columnPlan(2, { property: "name" }),
      columnPlan(0, { property: "count", toDatabase: (value) => Number(value) * 2 }),
      columnPlan(5, {
        property: "at",
        toDatabase: (value) => (value as Date).toISOString(),
        keep: (value) => `kept ${String(value)}`,
      }),
    ])
    const params = ["before"]
    const snapshot: unknown[] = []
    const text = write({ name: "ab", count: "21", at: new Date(0) }, params, 1, snapshot)
    expect(params).toEqual(["before", "ab", 42, "1970-01-01T00:00:00.000Z"])
    expect(snapshot[2]).toBe("ab")
    expect(snapshot[0]).toBe(42)
    expect(snapshot[5]).toBe("kept 1970-01-01T00:00:00.000Z")
    expect(text).toBe(2 + 24)
  })

  it("reads a join column from its related object's id first, else from its property", () => {
    const write = compileRowWriter([owner("ownerId")])
    const cases: Array<[Record<string, unknown>, unknown]> = [
      [{ owner: { id: "o1" }, ownerId: "stale" }, "o1"],
      [{ owner: {}, ownerId: "mine" }, "mine"],
      [{ owner: null, ownerId: "mine" }, "mine"],
      [{ ownerId: "mine" }, "mine"],
      [{}, null],
    ]
    for (const [entity, expected] of cases) {
      const params: unknown[] = []
      write(entity, params, 0, [])
      expect(params).toEqual([expected])
    }
  })

  it("reads a join column without a property of its own as readColumn does", () => {
    const write = compileRowWriter([owner(undefined)])
    const read = (entity: Record<string, unknown>) => {
      const params: unknown[] = []
      write(entity, params, 0, [])
      return params[0]
    }
    expect([read({ owner: { id: "o1" } }), read({ owner: null }), read({})]).toEqual([
      "o1",
      null,
      null,
    ])
  })

  it("reads under property names holding quotes, backslashes and line breaks as they are", () => {
    const names = [`a"b`, "c'd", "e\\f", "g\nh", "i`${j}`"]
    const write = compileRowWriter(names.map((property, index) => columnPlan(index, { property })))
    const params: unknown[] = []
    write(Object.fromEntries(names.map((name, index) => [name, index])), params, 0, [])
    expect(params).toEqual([0, 1, 2, 3, 4])
  })
})
