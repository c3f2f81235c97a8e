import { Client, Message, Operator, Orchestrator, Tool, User } from "../../../src"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import {
  computeChangeSet,
  computeLinkChanges,
  prepareInsert,
} from "../../../src/internal/unit-of-work/change-set-computer"
import { setLinks, setSnapshot } from "../../../src/internal/unit-of-work/entity-state"
import type { LinkChange } from "../../../src/internal/unit-of-work/work"
import { make } from "../../support/graph"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const NOW = new Date("2026-01-02T03:04:05.678Z")
const LATER = new Date("2026-01-02T04:00:00.000Z")

describe.each(DIALECTS)("change-set computer on %s", (kind) => {
  let offline: OfflinePlans
  beforeAll(async () => {
    offline = await offlinePlans(kind)
  })

  /** A persisted operator: prepared for insert, with the snapshot of the row it was written as. */
  function storedOperator(): { operator: Operator; orchestrator: Orchestrator; plan: EntityPlan } {
    const orchestrator = make(Orchestrator, { name: "o", type: "t" })
    const operator = make(Operator, {
      name: "Developer",
      title: "developer",
      instructions: "Write code.",
      orchestrator,
    })
    const plan = offline.plan(Operator)
    prepareInsert(plan, operator, NOW)
    setSnapshot(operator, plan.snapshotRow(operator))
    return { operator, orchestrator, plan }
  }

  const names = (columns: readonly { column: { databaseName: string } }[]): string[] =>
    columns.map((column) => column.column.databaseName)

  describe("prepareInsert", () => {
    it("assigns a uuid v7 id when the entity has none, and keeps one it has", () => {
      const plan = offline.plan(Message)
      const without = make(Message, { content: "x" })
      ;(without as { id?: string }).id = undefined
      prepareInsert(plan, without, NOW)
      expect(without.id).toMatch(UUID_V7)
      const given = make(Message, { id: "0190a000-0000-7000-8000-00000000000a" })
      prepareInsert(plan, given, NOW)
      expect(given.id).toBe("0190a000-0000-7000-8000-00000000000a")
    })

    it("stamps createdAt and updatedAt with the flush time, a Date of its own each", () => {
      const plan = offline.plan(Message)
      const first = make(Message, {})
      const second = make(Message, {})
      prepareInsert(plan, first, NOW)
      prepareInsert(plan, second, NOW)
      expect(first.createdAt.getTime()).toBe(NOW.getTime())
      expect(first.updatedAt.getTime()).toBe(NOW.getTime())
      expect(first.createdAt).not.toBe(NOW)
      expect(first.createdAt).not.toBe(first.updatedAt)
      expect(first.createdAt).not.toBe(second.createdAt)
    })

    it("keeps stamps the caller set", () => {
      const plan = offline.plan(Message)
      const created = new Date("2020-01-01T00:00:00.000Z")
      const message = make(Message, { createdAt: created })
      prepareInsert(plan, message, NOW)
      expect(message.createdAt).toBe(created)
      expect(message.updatedAt.getTime()).toBe(NOW.getTime())
    })

    it("fills literal defaults and nulls for unset properties, and leaves set ones alone", () => {
      const plan = offline.plan(Message)
      const message = make(Message, { content: "x", prompt: "p" })
      ;(message as { status?: string }).status = undefined
      prepareInsert(plan, message, NOW)
      expect(message.status).toBe("init")
      expect(message.prompt).toBe("p")
      expect(message.userId).toBeNull()
      expect(message.operatorId).toBeNull()
      const client = make(Client, {})
      prepareInsert(offline.plan(Client), client, NOW)
      expect(client.model).toBe("gpt-4o-mini")
      expect(client.temperature).toBe(0)
    })

    it("sets each foreign-key property from the related object", () => {
      const orchestrator = make(Orchestrator, { name: "o", type: "t" })
      const operator = make(Operator, { name: "op", orchestrator })
      prepareInsert(offline.plan(Operator), operator, NOW)
      expect(operator.orchestratorId).toBe(orchestrator.id)
    })
  })

  describe("computeChangeSet", () => {
    it("returns undefined when nothing changed", () => {
      const { operator, plan } = storedOperator()
      expect(computeChangeSet(plan, operator, LATER)).toBeUndefined()
      expect(operator.updatedAt.getTime()).toBe(NOW.getTime())
    })

    it("returns exactly the changed column plus updatedAt, stamped with the flush time", () => {
      const { operator, plan } = storedOperator()
      operator.title = "lead"
      const change = computeChangeSet(plan, operator, LATER)!
      expect(change.entity).toBe(operator)
      expect(names(change.columns)).toEqual(["title", "updated_at"])
      expect(change.values[0]).toBe("lead")
      expect((change.values[1] as Date).getTime()).toBe(LATER.getTime())
      expect(operator.updatedAt.getTime()).toBe(LATER.getTime())
    })

    it("returns every changed column in column order, updatedAt last", () => {
      const { operator, plan } = storedOperator()
      operator.title = "lead"
      operator.instructions = "Review code."
      operator.profilePictureUrl = "https://example.com/me.png"
      const change = computeChangeSet(plan, operator, LATER)!
      const edited = new Set(["instructions", "title", "profile_picture_url"])
      const inColumnOrder = names(plan.columns).filter((name) => edited.has(name))
      expect(inColumnOrder).toHaveLength(3)
      expect(names(change.columns)).toEqual([...inColumnOrder, "updated_at"])
      expect(change.values.slice(0, 3)).toEqual(
        inColumnOrder
          .map((name) => plan.columns.find((c) => c.column.databaseName === name)!)
          .map((column) => (operator as unknown as Record<string, unknown>)[column.property!]),
      )
    })

    it("sees a Date changed in place", () => {
      const { operator, plan } = storedOperator()
      operator.createdAt.setTime(NOW.getTime() - 1_000)
      const change = computeChangeSet(plan, operator, LATER)!
      expect(names(change.columns)).toEqual(["created_at", "updated_at"])
    })

    it("does not count a uuid written in upper case as a change", () => {
      const { operator, plan } = storedOperator()
      operator.orchestratorId = operator.orchestratorId.toUpperCase()
      operator.orchestrator = undefined
      expect(computeChangeSet(plan, operator, LATER)).toBeUndefined()
    })

    it("leaves an updatedAt the caller set alone", () => {
      const { operator, plan } = storedOperator()
      const chosen = new Date("2025-06-01T00:00:00.000Z")
      operator.title = "lead"
      operator.updatedAt = chosen
      const change = computeChangeSet(plan, operator, LATER)!
      expect(names(change.columns)).toEqual(["title", "updated_at"])
      expect(change.values[1]).toBe(chosen)
      expect(operator.updatedAt).toBe(chosen)
    })

    it("takes a foreign key changed by property, and drops the related object that no longer matches", () => {
      const { operator, plan } = storedOperator()
      const other = make(Orchestrator, { name: "other", type: "t" })
      operator.orchestratorId = other.id
      const change = computeChangeSet(plan, operator, LATER)!
      expect(names(change.columns)).toEqual(["orchestrator_id", "updated_at"])
      expect(change.values[0]).toBe(other.id)
      expect(operator.orchestrator).toBeUndefined()
    })

    it("takes a foreign key changed by related object, and brings the property in step", () => {
      const { operator, plan } = storedOperator()
      const other = make(Orchestrator, { name: "other", type: "t" })
      operator.orchestrator = other
      const change = computeChangeSet(plan, operator, LATER)!
      expect(names(change.columns)).toEqual(["orchestrator_id", "updated_at"])
      expect(change.values[0]).toBe(other.id)
      expect(operator.orchestratorId).toBe(other.id)
      expect(operator.orchestrator).toBe(other)
    })
  })

  describe("computeLinkChanges", () => {
    const linkChanges = (plan: EntityPlan, entity: object): LinkChange[] => {
      const out: LinkChange[] = []
      computeLinkChanges(plan, entity, out)
      return out
    }
    const tools = (count: number): Tool[] =>
      Array.from({ length: count }, (_, i) => make(Tool, { name: `tool ${i}` }))

    it("adds every link of a new entity", () => {
      const [first, second] = tools(2)
      const operator = make(Operator, { name: "op", tools: [first!, second!] })
      const [change, ...rest] = linkChanges(offline.plan(Operator), operator)
      expect(rest).toEqual([])
      expect(change!.link.table).toContain("operator_tool_link")
      expect(change!.ownId).toBe(operator.id)
      expect(change!.add).toEqual([first!.id, second!.id])
      expect(change!.remove).toEqual([])
      expect(change!.replace).toBe(false)
      expect(change!.current).toEqual(new Set([first!.id, second!.id]))
    })

    it("adds and removes the difference from the links read", () => {
      const [kept, removed, added] = tools(3)
      const { operator, plan } = storedOperator()
      const relation = plan.links[0]!.relation
      setLinks(operator, new Map([[relation, new Set([kept!.id, removed!.id])]]))
      operator.tools = [kept!, added!]
      const [change, ...rest] = linkChanges(plan, operator)
      expect(rest).toEqual([])
      expect(change!.add).toEqual([added!.id])
      expect(change!.remove).toEqual([removed!.id])
      expect(change!.replace).toBe(false)
      expect(change!.current).toEqual(new Set([kept!.id, added!.id]))
    })

    it("finds nothing to do when the array holds the links read", () => {
      const [first] = tools(1)
      const { operator, plan } = storedOperator()
      setLinks(operator, new Map([[plan.links[0]!.relation, new Set([first!.id])]]))
      operator.tools = [first!]
      expect(linkChanges(plan, operator)).toEqual([])
    })

    it("replaces all links of a persisted entity whose links were never read", () => {
      const [first, second] = tools(2)
      const user = make(User, { email: "u@example.com", tools: [first!, second!] })
      const plan = offline.plan(User)
      prepareInsert(plan, user, NOW)
      setSnapshot(user, plan.snapshotRow(user))
      const [change, ...rest] = linkChanges(plan, user)
      expect(rest).toEqual([])
      expect(change!.link.table).toContain("user_tool_link")
      expect(change!.replace).toBe(true)
      expect(change!.add).toEqual([first!.id, second!.id])
      expect(change!.remove).toEqual([])
    })

    it("replaces the links of a relation missing from the links read", () => {
      const [first] = tools(1)
      const { operator, plan } = storedOperator()
      setLinks(operator, new Map())
      operator.tools = [first!]
      const [change] = linkChanges(plan, operator)
      expect(change!.replace).toBe(true)
      expect(change!.add).toEqual([first!.id])
    })

    it("leaves a relation whose array is not loaded alone", () => {
      const { operator, plan } = storedOperator()
      setLinks(operator, new Map([[plan.links[0]!.relation, new Set(["x"])]]))
      expect(linkChanges(plan, operator)).toEqual([])
    })

    it("gives the owner's id as its row holds it: a uuid set in upper case in lower case", () => {
      const [first] = tools(1)
      const operator = make(Operator, { name: "op", tools: [first!] })
      operator.id = operator.id.toUpperCase()
      const [change] = linkChanges(offline.plan(Operator), operator)
      expect(change!.ownId).toBe(operator.id.toLowerCase())
    })

    it("works from the inverse side of a many-to-many relation", () => {
      const operator = make(Operator, { name: "op" })
      const tool = make(Tool, { name: "t", operators: [operator] })
      const changes = linkChanges(offline.plan(Tool), tool)
      expect(changes).toHaveLength(1)
      expect(changes[0]!.link.relation.propertyName).toBe("operators")
      expect(changes[0]!.ownId).toBe(tool.id)
      expect(changes[0]!.add).toEqual([operator.id])
    })
  })
})
