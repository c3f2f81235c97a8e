import { Message, Node, Operator, Orchestrator, Project, Tool, User } from "../../../src"
import { cascade, type CascadeScope } from "../../../src/internal/unit-of-work/cascade"
import { make } from "../../support/graph"
import { offlinePlans, type OfflinePlans } from "../support/offline-plans"

let offline: OfflinePlans
beforeAll(async () => {
  offline = await offlinePlans("sqlite")
})

/** A scope as the session's: `add` stages an entity; what it staged is in `added`, in order. */
function scope(options: { staged?: object[]; tracked?: object[] } = {}) {
  const staged = new Set<object>(options.staged)
  const tracked = new Set<object>(options.tracked)
  const added: object[] = []
  const of: CascadeScope = {
    planFor: (entity) => offline.planFor(entity),
    isStaged: (entity) => staged.has(entity),
    isTracked: (entity) => tracked.has(entity),
    add: (entity) => {
      added.push(entity)
      staged.add(entity)
    },
  }
  return { of, added }
}

describe("cascade", () => {
  it("brings in new operators and projects of an orchestrator's arrays and points them at it", async () => {
    const orchestrator = make(Orchestrator, { name: "o", type: "t" })
    const first = make(Operator, { name: "a" })
    const second = make(Operator, { name: "b" })
    const project = make(Project, { name: "p" })
    orchestrator.operators = [first, second]
    orchestrator.projects = [project]
    const { of, added } = scope({ staged: [orchestrator] })
    await cascade([orchestrator], of)
    expect(new Set(added)).toEqual(new Set([first, second, project]))
    expect(added).toHaveLength(3)
    for (const child of [first, second, project]) {
      expect(child.orchestratorId).toBe(orchestrator.id)
    }
  })

  it("brings in a new parent a child points at, and the parent's own relations", async () => {
    const user = make(User, { email: "a@example.com" })
    const tool = make(Tool, { name: "t" })
    user.tools = [tool]
    const orchestrator = make(Orchestrator, { name: "o", type: "t", user })
    const { of, added } = scope({ staged: [orchestrator] })
    await cascade([orchestrator], of)
    expect(added).toEqual([user, tool])
  })

  it("reaches entities several relations away", async () => {
    const orchestrator = make(Orchestrator, { name: "o", type: "t" })
    const project = make(Project, { name: "p", orchestrator })
    const message = make(Message, { content: "hi", project })
    const tool = make(Tool, { name: "t" })
    const operator = make(Operator, { name: "op", orchestrator, tools: [tool] })
    project.executive = operator
    const { of, added } = scope({ staged: [message] })
    await cascade([message], of)
    expect(new Set(added)).toEqual(new Set([project, orchestrator, operator, tool]))
    expect(added).toHaveLength(4)
  })

  it("does not bring in a plain { id } object, in a relation or in an array", async () => {
    const orchestrator = make(Orchestrator, { name: "o", type: "t" })
    orchestrator.user = { id: "0190a000-0000-7000-8000-000000000001" } as User
    const reference = { id: "0190a000-0000-7000-8000-000000000002" } as Operator
    orchestrator.operators = [reference]
    const { of, added } = scope({ staged: [orchestrator] })
    await cascade([orchestrator], of)
    expect(added).toEqual([])
    expect(reference).toEqual({ id: "0190a000-0000-7000-8000-000000000002" })
  })

  it("does not add staged or tracked objects again, but still points them at their parent", async () => {
    const orchestrator = make(Orchestrator, { name: "o", type: "t" })
    const staged = make(Operator, { name: "staged" })
    const tracked = make(Project, { name: "tracked" })
    const fresh = make(Project, { name: "fresh" })
    orchestrator.operators = [staged]
    orchestrator.projects = [tracked, fresh]
    const { of, added } = scope({ staged: [orchestrator, staged], tracked: [tracked] })
    await cascade([orchestrator], of)
    expect(added).toEqual([fresh])
    expect(staged.orchestratorId).toBe(orchestrator.id)
    expect(tracked.orchestratorId).toBe(orchestrator.id)
  })

  it("adds an object reachable along two paths once", async () => {
    const orchestrator = make(Orchestrator, { name: "o", type: "t" })
    const operator = make(Operator, { name: "op" })
    const project = make(Project, { name: "p", executive: operator, developer: operator })
    orchestrator.operators = [operator]
    orchestrator.projects = [project]
    const { of, added } = scope({ staged: [orchestrator] })
    await cascade([orchestrator], of)
    expect(new Set(added)).toEqual(new Set([operator, project]))
    expect(added).toHaveLength(2)
  })

  it("re-points a child whose relation names another parent at the parent whose array holds it", async () => {
    const holder = make(Orchestrator, { name: "holder", type: "t" })
    const named = make(Orchestrator, { name: "named", type: "t" })
    const operator = make(Operator, { name: "op", orchestrator: named, orchestratorId: named.id })
    holder.operators = [operator]
    const { of, added } = scope({ staged: [holder] })
    await cascade([holder], of)
    expect(operator.orchestratorId).toBe(holder.id)
    expect(operator.orchestrator).toBeUndefined()
    // The other parent was only reachable through the relation the array overrode.
    expect(added).toEqual([operator])
  })

  it("keeps a child's relation that already names the parent whose array holds it", async () => {
    const orchestrator = make(Orchestrator, { name: "o", type: "t" })
    const operator = make(Operator, { name: "op", orchestrator })
    orchestrator.operators = [operator]
    const { of } = scope({ staged: [orchestrator] })
    await cascade([orchestrator], of)
    expect(operator.orchestrator).toBe(orchestrator)
    expect(operator.orchestratorId).toBe(orchestrator.id)
  })

  it("points the owner of a one-to-one at the object on its inverse side", async () => {
    const operator = make(Operator, { name: "op" })
    const project = make(Project, { name: "dm" })
    operator.directMessageProject = project
    const { of, added } = scope({ staged: [operator] })
    await cascade([operator], of)
    expect(added).toEqual([project])
    expect(project.directMessageOperatorId).toBe(operator.id)
  })

  it("points children of a self-referencing node at it, at every level", async () => {
    const root = make(Node, {})
    const child = make(Node, {})
    const grandchild = make(Node, {})
    root.children = [child]
    child.children = [grandchild]
    const { of, added } = scope({ staged: [root] })
    await cascade([root], of)
    expect(added).toEqual([child, grandchild])
    expect(child.parentId).toBe(root.id)
    expect(grandchild.parentId).toBe(child.id)
  })

  it("leaves null, undefined and empty relations alone", async () => {
    const orchestrator = make(Orchestrator, { name: "o", type: "t", operators: [] })
    const project = make(Project, {
      name: "p",
      orchestrator,
      executive: null,
      developer: undefined,
    })
    const { of, added } = scope({ staged: [project] })
    await cascade([project], of)
    expect(added).toEqual([orchestrator])
  })
})
