import { Message, Operator } from "../../../src"
import type { EntityMetadata } from "typeorm"
import { IdentityMap } from "../../../src/internal/unit-of-work/identity-map"
import { offlinePlans } from "../support/offline-plans"

describe("IdentityMap", () => {
  let message: EntityMetadata
  let operator: EntityMetadata
  beforeAll(async () => {
    const offline = await offlinePlans("sqlite")
    message = offline.dataSource.getMetadata(Message)
    operator = offline.dataSource.getMetadata(Operator)
  })

  it("finds an object by entity and identity", () => {
    const map = new IdentityMap()
    const a = {}
    map.set(message, "1", a)
    expect(map.get(message, "1")).toBe(a)
    expect(map.get(message, "2")).toBeUndefined()
    expect(map.get(operator, "1")).toBeUndefined()
  })

  it("keeps the same identity of different entities apart", () => {
    const map = new IdentityMap()
    const a = {}
    const b = {}
    map.set(message, "1", a)
    map.set(operator, "1", b)
    expect(map.get(message, "1")).toBe(a)
    expect(map.get(operator, "1")).toBe(b)
    expect(map.size).toBe(2)
    expect([...map.values()]).toEqual([a, b])
  })

  it("counts an identity once when its object is replaced", () => {
    const map = new IdentityMap()
    const replacement = {}
    map.set(message, "1", {})
    map.set(message, "1", replacement)
    expect(map.size).toBe(1)
    expect(map.get(message, "1")).toBe(replacement)
  })

  it("deletes an entry only if it holds the object given", () => {
    const map = new IdentityMap()
    const held = {}
    map.set(message, "1", held)
    map.delete(message, "1", {})
    expect(map.get(message, "1")).toBe(held)
    expect(map.size).toBe(1)
    map.delete(message, "1", held)
    expect(map.get(message, "1")).toBeUndefined()
    expect(map.size).toBe(0)
    map.delete(message, "1", held)
    expect(map.size).toBe(0)
  })

  it("forgets everything on clear", () => {
    const map = new IdentityMap()
    map.set(message, "1", {})
    map.set(operator, "2", {})
    map.clear()
    expect(map.size).toBe(0)
    expect([...map.values()]).toEqual([])
    expect(map.get(message, "1")).toBeUndefined()
  })
})
