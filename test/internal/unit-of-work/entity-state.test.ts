import { isDeepStrictEqual, inspect } from "node:util"
import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import {
  forgetRow,
  loadedLinks,
  isPersisted,
  setSnapshot,
  snapshotOf,
} from "../../../src/internal/unit-of-work/entity-state"

class Row {
  id = "a"
  name = "x"
}

describe("entity state", () => {
  it("keeps a snapshot with the entity and forgets it", () => {
    const entity = new Row()
    expect(isPersisted(entity)).toBe(false)
    setSnapshot(entity, ["a", "x"])
    expect(snapshotOf(entity)).toEqual(["a", "x"])
    expect(isPersisted(entity)).toBe(true)
    setSnapshot(entity, ["a", "y"])
    expect(snapshotOf(entity)).toEqual(["a", "y"])
    forgetRow(entity)
    expect(snapshotOf(entity)).toBeUndefined()
    expect(isPersisted(entity)).toBe(false)
  })

  it("is invisible to keys, JSON, spreads, equality and inspection", () => {
    const entity = new Row()
    setSnapshot(entity, ["a", "x"])
    expect(Object.keys(entity)).toEqual(["id", "name"])
    expect(JSON.stringify(entity)).toBe('{"id":"a","name":"x"}')
    const copy = { ...entity }
    expect(snapshotOf(copy)).toBeUndefined()
    expect(Object.assign(new Row(), entity)).toEqual(entity)
    expect(isDeepStrictEqual(entity, Object.assign(new Row(), { id: "a", name: "x" }))).toBe(true)
    expect(inspect(entity)).toBe("Row { id: 'a', name: 'x' }")
    expect(inspect(entity, { showHidden: true })).toBe("Row { id: 'a', name: 'x' }")
    expect(Reflect.ownKeys(entity)).toEqual(["id", "name"])
    expect(Object.getOwnPropertyNames(entity)).toEqual(["id", "name"])
    expect(structuredClone(entity)).toEqual({ id: "a", name: "x" })
  })

  it("keeps the state of a frozen entity, and of one frozen after it was written", () => {
    const frozen = Object.freeze(new Row())
    setSnapshot(frozen, ["a", "x"])
    expect(snapshotOf(frozen)).toEqual(["a", "x"])
    forgetRow(frozen)
    expect(isPersisted(frozen)).toBe(false)

    const later = new Row()
    setSnapshot(later, ["a", "x"])
    Object.freeze(later)
    setSnapshot(later, ["a", "z"])
    expect(snapshotOf(later)).toEqual(["a", "z"])
    forgetRow(later)
    expect(isPersisted(later)).toBe(false)
    setSnapshot(later, ["a", "w"])
    expect(snapshotOf(later)).toEqual(["a", "w"])
  })

  it("keeps the state of a sealed entity and of one made non-extensible", () => {
    for (const closed of [Object.seal(new Row()), Object.preventExtensions(new Row())]) {
      forgetRow(closed)
      expect(isPersisted(closed)).toBe(false)
      setSnapshot(closed, ["a", "x"])
      expect(snapshotOf(closed)).toEqual(["a", "x"])
      expect(Reflect.ownKeys(closed)).toEqual(["id", "name"])
      forgetRow(closed)
      expect(snapshotOf(closed)).toBeUndefined()
    }
  })

  it("gives each entity its own state", () => {
    const first = new Row()
    const second = new Row()
    setSnapshot(first, ["1"])
    expect(snapshotOf(second)).toBeUndefined()
    forgetRow(second)
    expect(snapshotOf(first)).toEqual(["1"])
  })

  describe("loadedLinks", () => {
    const relation = { propertyName: "tools" } as RelationMetadata
    const plan = {
      links: [{ relation }],
      linkedIds: (_link: unknown, related: Array<{ id: string }>) =>
        new Set(related.map((item) => item.id)),
    } as unknown as EntityPlan

    it("is undefined for an entity with no many-to-many array loaded (all unknown)", () => {
      expect(loadedLinks(plan, { id: "a" })).toBeUndefined()
    })

    it("holds the ids of each loaded array", () => {
      const links = loadedLinks(plan, { id: "a", tools: [{ id: "t1" }, { id: "t2" }] })
      expect(links?.get(relation)).toEqual(new Set(["t1", "t2"]))
    })
  })
})
