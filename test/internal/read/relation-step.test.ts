import { Message, Operator, Orchestrator, Project, Tool } from "../../../src"
import { relationStep } from "../../../src/internal/read/relation-step"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"

describe.each(DIALECTS)("relationStep on %s", (kind) => {
  let offline: OfflinePlans
  beforeAll(async () => {
    offline = await offlinePlans(kind)
  })

  it("reads a many-to-one by the parent's join column", () => {
    const plan = offline.plan(Operator)
    const step = relationStep(plan, "orchestrator")!
    expect(step.kind).toBe("owner")
    expect(step.target).toBe(offline.plan(Orchestrator))
    expect(step.kind === "owner" && step.joinColumn.property).toBe("orchestratorId")
  })

  it("reads a one-to-many by the children's foreign key", () => {
    const step = relationStep(offline.plan(Orchestrator), "projects")!
    expect(step.kind).toBe("inverse")
    expect(step.target).toBe(offline.plan(Project))
    expect(step.kind === "inverse" && step.foreignKey.property).toBe("orchestratorId")
    expect(relationStep(offline.plan(Project), "messages")!.target).toBe(offline.plan(Message))
  })

  it("reads a many-to-many through its junction, from either side", () => {
    const owning = relationStep(offline.plan(Orchestrator), "tools")!
    expect(owning.kind === "link" && owning.link.ownColumn).toBe("orchestrator_id")
    const inverse = relationStep(offline.plan(Tool), "orchestrators")!
    expect(inverse.kind === "link" && inverse.link.ownColumn).toBe("tool_id")
  })

  it("is worked out once per plan and name", () => {
    const plan = offline.plan(Orchestrator)
    expect(relationStep(plan, "operators")).toBe(relationStep(plan, "operators"))
  })

  it("has none for a name that is no relation", () => {
    expect(relationStep(offline.plan(Orchestrator), "name")).toBeUndefined()
    expect(relationStep(offline.plan(Orchestrator), "nothing")).toBeUndefined()
  })
})
