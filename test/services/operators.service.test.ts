import {
  Client,
  Operator,
  Project,
  Session,
  UniqueViolationError,
  type ValidationError,
  createClient,
  createOperator,
  createProject,
  deleteOperator,
  getOperator,
  getOperatorByName,
  getOperators,
  getProjects,
  updateOperator,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { rejectionOf, seedOperator, seedOwner } from "./seed"

describeEachDatabase("operators service", (db) => {
  const open = () => new Session(db().dataSource)

  it("creates an operator with its direct-message project, linked both ways, in one commit", async () => {
    let operatorId: string
    let orchestratorId: string
    {
      await using session = open()
      const { orchestrator } = await seedOwner(session)
      orchestratorId = orchestrator.id
      const operator = await createOperator(session, {
        instructions: "Write the code.",
        name: "Dev",
        title: "developer",
        orchestratorId,
        profilePictureUrl: "https://example.com/dev.png",
      })
      operatorId = operator.id
      expect(operator.directMessageProject?.name).toBe("Dev's Direct Messages")
      await session.commit()
    }
    await using reader = open()
    const project = await reader.findOne(Project, {
      where: { directMessageOperatorId: operatorId },
      relations: { directMessageOperator: true },
    })
    expect(project).toMatchObject({ name: "Dev's Direct Messages", orchestratorId })
    expect(project?.directMessageOperator?.id).toBe(operatorId)
    const operator = await reader.findOne(Operator, {
      where: { id: operatorId },
      relations: { directMessageProject: true },
    })
    expect(operator?.directMessageProject?.id).toBe(project?.id)
    expect(operator?.profilePictureUrl).toBe("https://example.com/dev.png")
  })

  it("shortens a long operator name with … so the project name fits 64 characters", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const name = "A very long operator name that fills every one of its 64 chars!"
    expect(name).toHaveLength(63)
    const operator = await seedOperator(session, orchestrator.id, `${name}x`)
    await session.commit()
    const stored = await session.get(Project, operator.directMessageProject!.id)
    expect(stored?.name).toBe("A very long operator name that fills every on…'s Direct Messages")
    expect(stored?.name).toHaveLength(64)
  })

  it("numbers the direct-message project when its name is taken in the orchestrator", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    await createProject(session, { name: "Ada's Direct Messages", orchestratorId: orchestrator.id })
    const ada = await seedOperator(session, orchestrator.id, "Ada")
    expect(ada.directMessageProject?.name).toBe("Ada's Direct Messages (2)")
    // Two long names alike in their first 45 characters shorten to the same name.
    const prefix = "p".repeat(45)
    const first = await seedOperator(session, orchestrator.id, `${prefix}-first`)
    const second = await seedOperator(session, orchestrator.id, `${prefix}-second`)
    await session.commit()
    expect(first.directMessageProject?.name).toBe(`${prefix}…'s Direct Messages`)
    expect(second.directMessageProject?.name).toBe(`${prefix.slice(0, 41)}…'s Direct Messages (2)`)
  })

  it("writes neither operator nor project when the operator's name is taken", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    await seedOperator(session, orchestrator.id, "Twin")
    await session.commit()
    const projects = await session.manager.count(Project)
    expect(await rejectionOf(seedOperator(session, orchestrator.id, "Twin"))).toBeInstanceOf(
      UniqueViolationError,
    )
    await session.rollback()
    expect(await session.manager.count(Project)).toBe(projects)
    expect(await getOperators(session, orchestrator.id)).toHaveLength(1)
  })

  it("writes nothing for invalid input", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    await session.commit()
    const error = await rejectionOf(
      createOperator(session, { name: "x".repeat(65), orchestratorId: orchestrator.id } as never),
    )
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "OperatorCreate.instructions",
      "OperatorCreate.name",
      "OperatorCreate.title",
    ])
    await session.commit()
    expect(await getOperators(session, orchestrator.id)).toEqual([])
    expect(await getProjects(session, orchestrator.id, { includeDirectMessages: true })).toEqual([])
  })

  it("reads an operator only through its own orchestrator", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const other = await seedOwner(session)
    const operator = await seedOperator(session, orchestrator.id, "Dev")
    await session.commit()
    expect((await getOperator(session, operator.id, orchestrator.id))?.id).toBe(operator.id)
    expect(await getOperator(session, operator.id, other.orchestrator.id)).toBeNull()
    expect((await getOperatorByName(session, "Dev", orchestrator.id))?.id).toBe(operator.id)
    expect(await getOperatorByName(session, "Dev", other.orchestrator.id)).toBeNull()
    expect(await getOperator(session, "nope", orchestrator.id)).toBeNull()
  })

  it("lists an orchestrator's operators oldest first, by skip and limit", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const other = await seedOwner(session)
    await seedOperator(session, other.orchestrator.id)
    const ids: string[] = []
    for (let i = 0; i < 5; i += 1) ids.push((await seedOperator(session, orchestrator.id)).id)
    await session.commit()
    expect((await getOperators(session, orchestrator.id)).map((o) => o.id)).toEqual(ids)
    const page = await getOperators(session, orchestrator.id, { skip: 2, limit: 2 })
    expect(page.map((o) => o.id)).toEqual(ids.slice(2, 4))
    const all = await getOperators(session, undefined, { limit: 1000 })
    expect(all.length).toBeGreaterThanOrEqual(6)
  })

  it("updates an operator of its orchestrator only; the title cannot change", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const other = await seedOwner(session)
    const operator = await seedOperator(session, orchestrator.id, "Dev")
    await session.commit()
    expect(
      await updateOperator(session, operator.id, other.orchestrator.id, { name: "Stolen" }),
    ).toBeNull()
    const updated = await updateOperator(session, operator.id, orchestrator.id, {
      instructions: "Review the code.",
      profilePictureUrl: null,
    })
    expect(updated).toBe(operator)
    await session.commit()
    await session.refresh(operator)
    expect(operator).toMatchObject({ name: "Dev", instructions: "Review the code." })
    const error = await rejectionOf(
      updateOperator(session, operator.id, orchestrator.id, { title: "executive" } as never),
    )
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "OperatorUpdate.title",
    ])
  })

  it("deletes an operator with its direct-message project and clients, only in its orchestrator", async () => {
    let ids: { operator: string; project: string; client: string }
    {
      await using session = open()
      const { orchestrator } = await seedOwner(session)
      const other = await seedOwner(session)
      const operator = await seedOperator(session, orchestrator.id)
      const client = await createClient(session, {
        orchestratorId: orchestrator.id,
        operatorId: operator.id,
      })
      await session.commit()
      ids = { operator: operator.id, project: operator.directMessageProject!.id, client: client.id }
      expect(await deleteOperator(session, operator.id, other.orchestrator.id)).toBeNull()
      await session.commit()
      expect(await session.get(Operator, operator.id)).not.toBeNull()
      expect(await deleteOperator(session, operator.id, orchestrator.id)).toBe(operator)
      await session.commit()
    }
    await using reader = open()
    expect(await reader.get(Operator, ids.operator)).toBeNull()
    expect(await reader.get(Project, ids.project)).toBeNull()
    expect(await reader.get(Client, ids.client)).toBeNull()
  })
})
