import type { ColumnPlan } from "../../../src/internal/metadata/column-plan"
import { compileInsertPreparer } from "../../../src/internal/metadata/insert-preparer"

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const TIME = Date.UTC(2026, 0, 2, 3, 4, 5, 6)

// The parts of a column plan the preparer reads; the rest is never touched.
function columnPlan(parts: Partial<ColumnPlan>): ColumnPlan {
  return { property: undefined, embedded: false, generateUuid: false, ...parts } as ColumnPlan
}

const NONE = { primary: [], stamped: [], joinColumns: [], version: undefined, filled: [] }

describe("compileInsertPreparer", () => {
  it("generates an id only where none is set, and a Date of its own for each unset stamp", () => {
    const prepare = compileInsertPreparer({
      ...NONE,
      primary: [columnPlan({ property: "id", generateUuid: true })],
      stamped: [columnPlan({ property: "createdAt" }), columnPlan({ property: "updatedAt" })],
    })
    const fresh: Record<string, unknown> = {}
    prepare(fresh, TIME)
    expect(fresh.id).toMatch(UUID_V7)
    expect([fresh.createdAt, fresh.updatedAt]).toEqual([new Date(TIME), new Date(TIME)])
    expect(fresh.createdAt).not.toBe(fresh.updatedAt)
    const created = new Date(0)
    const given: Record<string, unknown> = { id: "kept", createdAt: created }
    prepare(given, TIME)
    expect(given).toEqual({ id: "kept", createdAt: created, updatedAt: new Date(TIME) })
  })

  it("takes a foreign key from a related object that has an id, and leaves it alone otherwise", () => {
    const prepare = compileInsertPreparer({
      ...NONE,
      joinColumns: [
        columnPlan({
          property: "ownerId",
          relation: { propertyName: "owner" } as ColumnPlan["relation"],
          referencedProperty: "id",
        }),
      ],
    })
    const related: Record<string, unknown> = { owner: { id: "o1" }, ownerId: "stale" }
    prepare(related, TIME)
    expect(related.ownerId).toBe("o1")
    for (const owner of [undefined, null, {}, "o2"]) {
      const entity: Record<string, unknown> = { owner, ownerId: "mine" }
      prepare(entity, TIME)
      expect(entity.ownerId).toBe("mine")
    }
  })

  it("fills unset properties with the values given, never with code built from them", () => {
    const odd = `"); throw new Error("ran"); ("`
    const prepare = compileInsertPreparer({
      ...NONE,
      filled: [
        columnPlan({ property: `we"ird\nname`, fill: { value: odd } }),
        columnPlan({ property: "note", fill: { value: null } }),
        columnPlan({ property: "count", fill: { value: 0 } }),
      ],
    })
    const entity: Record<string, unknown> = { count: 5 }
    prepare(entity, TIME)
    expect(entity).toEqual({ count: 5, [`we"ird\nname`]: odd, note: null })
  })

  it("starts a version column at 1 through its plan, and keeps a version set", () => {
    const version = columnPlan({ property: "version" })
    const prepare = compileInsertPreparer({ ...NONE, version })
    const fresh: Record<string, unknown> = {}
    prepare(fresh, TIME)
    expect(fresh.version).toBe(1)
    const given: Record<string, unknown> = { version: 7 }
    prepare(given, TIME)
    expect(given.version).toBe(7)
  })
})
