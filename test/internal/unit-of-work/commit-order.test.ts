import { Message, Node, Operator, Orchestrator, Project, Tool, User } from "../../../src"
import {
  orderDeletes,
  orderInserts,
  orderInsertsSliced,
  parentsFirst,
  typeOrder,
} from "../../../src/internal/unit-of-work/commit-order"
import type { Constructor } from "../../../src/internal/metadata/entity-plan"
import { make } from "../../support/graph"
import { offlinePlans, type OfflinePlans } from "../support/offline-plans"

let offline: OfflinePlans
beforeAll(async () => {
  offline = await offlinePlans("sqlite")
})

const tables = (batches: { plan: { metadata: { name: string } } }[]): string[] =>
  batches.map((batch) => batch.plan.metadata.name)

describe("typeOrder", () => {
  const rank = (target: Constructor): number => {
    const position = typeOrder(offline.metadatas).get(offline.dataSource.getMetadata(target))
    if (position === undefined) throw new Error(`no position for ${target.name}`)
    return position
  }

  it("puts every entity after the entities its foreign keys point at", () => {
    expect(rank(User)).toBeLessThan(rank(Orchestrator))
    expect(rank(Orchestrator)).toBeLessThan(rank(Operator))
    expect(rank(Orchestrator)).toBeLessThan(rank(Project))
    // Project.executive / developer / directMessageOperator point at Operator.
    expect(rank(Operator)).toBeLessThan(rank(Project))
    expect(rank(Project)).toBeLessThan(rank(Message))
    expect(rank(Operator)).toBeLessThan(rank(Message))
    expect(rank(User)).toBeLessThan(rank(Message))
  })

  it("gives every entity exactly one position, a self-referencing one included", () => {
    const order = typeOrder(offline.metadatas)
    expect(order.size).toBe(offline.metadatas.length)
    expect(new Set(order.values()).size).toBe(offline.metadatas.length)
    expect(order.has(offline.dataSource.getMetadata(Node))).toBe(true)
  })

  it("does not depend on the order the metadatas are listed in", () => {
    const reversed = [...offline.metadatas].reverse()
    const order = typeOrder(reversed)
    const at = (target: Constructor) => order.get(offline.dataSource.getMetadata(target))!
    expect(at(User)).toBeLessThan(at(Orchestrator))
    expect(at(Orchestrator)).toBeLessThan(at(Operator))
    expect(at(Operator)).toBeLessThan(at(Project))
    expect(at(Project)).toBeLessThan(at(Message))
  })

  it("computes the order once per list", () => {
    expect(typeOrder(offline.metadatas)).toBe(typeOrder(offline.metadatas))
  })
})

describe("orderInserts", () => {
  const ids = (entities: object[]): string[] => entities.map((entity) => (entity as Node).id)

  it("groups entities by entity and puts the tables of parents first, each group in the order given", () => {
    const user = make(User, { email: "a@example.com" })
    const orchestrator = make(Orchestrator, { name: "o", type: "t", user })
    const operator = make(Operator, { name: "op", orchestrator })
    const project = make(Project, { name: "p", orchestrator })
    const first = make(Message, { content: "1", project, operator })
    const second = make(Message, { content: "2", project, user })
    const tool = make(Tool, { name: "t" })
    const batches = orderInserts(
      [first, project, operator, second, orchestrator, tool, user],
      offline.planFor,
      offline.metadatas,
    )
    const names = tables(batches)
    expect(names).toHaveLength(6)
    expect(names.indexOf("User")).toBeLessThan(names.indexOf("Orchestrator"))
    expect(names.indexOf("Orchestrator")).toBeLessThan(names.indexOf("Operator"))
    expect(names.indexOf("Operator")).toBeLessThan(names.indexOf("Project"))
    expect(names.indexOf("Project")).toBeLessThan(names.indexOf("Message"))
    expect(batches.find((batch) => batch.plan.metadata.name === "Message")!.entities).toEqual([
      first,
      second,
    ])
  })

  it("puts a parent node before its child even when the child was added first", () => {
    const parent = make(Node, {})
    const child = make(Node, { parent })
    const batches = orderInserts([child, parent], offline.planFor, offline.metadatas)
    expect(batches).toHaveLength(1)
    expect(ids(batches[0]!.entities)).toEqual(ids([parent, child]))
  })

  it("orders a chain of four levels root first, whether linked by object or by parentId", () => {
    const root = make(Node, {})
    const level1 = make(Node, { parent: root })
    const level2 = make(Node, { parentId: level1.id })
    const level3 = make(Node, { parent: level2 })
    const batches = orderInserts([level3, level2, level1, root], offline.planFor, offline.metadatas)
    expect(ids(batches[0]!.entities)).toEqual(ids([root, level1, level2, level3]))
  })

  it("orders two trees added interleaved, keeping each row once", () => {
    const a = make(Node, {})
    const b = make(Node, {})
    const a1 = make(Node, { parent: a })
    const b1 = make(Node, { parent: b })
    const a2 = make(Node, { parent: a1 })
    const entities = [a2, b1, a1, b, a]
    const ordered = orderInserts(entities, offline.planFor, offline.metadatas)[0]!.entities
    expect(ordered).toHaveLength(entities.length)
    expect(new Set(ordered).size).toBe(entities.length)
    const at = (node: Node) => ordered.indexOf(node)
    expect(at(a)).toBeLessThan(at(a1))
    expect(at(a1)).toBeLessThan(at(a2))
    expect(at(b)).toBeLessThan(at(b1))
  })

  it("leaves a node whose parent is not being inserted where it was", () => {
    const stored = make(Node, {})
    const orphan = make(Node, { parentId: stored.id })
    const other = make(Node, {})
    const ordered = parentsFirst(offline.plan(Node), [orphan, other])
    expect(ordered).toEqual([orphan, other])
  })
  it("keeps each row of a cycle of parents once", () => {
    // One multi-row INSERT of a cycle passes SQLite's and PostgreSQL's statement-end foreign-key
    // checks; a row listed twice fails it on its primary key.
    const a = make(Node, {})
    const b = make(Node, { parent: a })
    a.parent = b
    const pair = parentsFirst(offline.plan(Node), [a, b])
    expect(pair).toHaveLength(2)
    expect(new Set(pair)).toEqual(new Set([a, b]))
    const c = make(Node, {})
    const d = make(Node, { parent: c })
    const e = make(Node, { parent: d })
    c.parent = e
    const outside = make(Node, { parent: c })
    const ring = orderInserts([outside, c, d, e], offline.planFor, offline.metadatas)[0]!.entities
    expect(ring).toHaveLength(4)
    expect(new Set(ring)).toEqual(new Set([outside, c, d, e]))
    expect(ring.indexOf(c)).toBeLessThan(ring.indexOf(outside))
  })
})

describe("orderInsertsSliced", () => {
  it("orders as orderInserts does, letting the event loop turn while it groups", async () => {
    const user = make(User, { email: "a@example.com" })
    const orchestrator = make(Orchestrator, { name: "o", type: "t", user })
    const project = make(Project, { name: "p", orchestrator })
    const messages = Array.from({ length: 1_000 }, (_, i) =>
      make(Message, { content: String(i), project, user }),
    )
    const root = make(Node, {})
    const child = make(Node, { parent: root })
    const entities = [...messages, child, project, orchestrator, root, user]
    let turns = 0
    const sliced = await orderInsertsSliced(entities, offline.planFor, offline.metadatas, () => {
      turns += 1
      return undefined
    })
    expect(sliced).toEqual(orderInserts(entities, offline.planFor, offline.metadatas))
    // Asked once every EVERY_ROWS (64) entities.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(entities.length / 64))
  })
})

describe("orderDeletes", () => {
  it("puts the tables of children first, each group in the order given", () => {
    const user = make(User, { email: "a@example.com" })
    const orchestrator = make(Orchestrator, { name: "o", type: "t", user })
    const operator = make(Operator, { name: "op", orchestrator })
    const project = make(Project, { name: "p", orchestrator })
    const first = make(Message, { content: "1", project, operator })
    const second = make(Message, { content: "2", project, operator })
    const batches = orderDeletes(
      [user, orchestrator, first, operator, project, second],
      offline.planFor,
      offline.metadatas,
    )
    expect(tables(batches)).toEqual(["Message", "Project", "Operator", "Orchestrator", "User"])
    expect(batches[0]!.entities).toEqual([first, second])
  })
})
