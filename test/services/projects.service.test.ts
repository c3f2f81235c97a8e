import {
  Message,
  Project,
  Session,
  UniqueViolationError,
  type ValidationError,
  createMessage,
  createProject,
  deleteProject,
  getProject,
  getProjectByName,
  getProjects,
  updateProject,
  uuidv7,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make } from "../support/graph"
import { rejectionOf, seedOperator, seedOwner } from "./seed"

describeEachDatabase("projects service", (db) => {
  const open = () => new Session(db().dataSource)

  it("creates a project with its executive and developer, and reads it by id and name", async () => {
    let ids: { project: string; orchestrator: string; executive: string; developer: string }
    {
      await using session = open()
      const { orchestrator } = await seedOwner(session)
      const executive = await seedOperator(session, orchestrator.id, "Exec")
      const developer = await seedOperator(session, orchestrator.id, "Dev")
      const project = await createProject(session, {
        name: "Landing page",
        orchestratorId: orchestrator.id,
        executiveId: executive.id,
        developerId: developer.id,
      })
      ids = {
        project: project.id,
        orchestrator: orchestrator.id,
        executive: executive.id,
        developer: developer.id,
      }
      await session.commit()
    }
    await using reader = open()
    expect(await getProject(reader, ids.project, ids.orchestrator)).toMatchObject({
      name: "Landing page",
      executiveId: ids.executive,
      developerId: ids.developer,
      directMessageOperatorId: null,
    })
    expect((await getProjectByName(reader, "Landing page", ids.orchestrator))?.id).toBe(ids.project)
  })

  it("refuses an executive or developer from another orchestrator, and writes nothing", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const other = await seedOwner(session)
    const stranger = await seedOperator(session, other.orchestrator.id)
    await session.commit()
    const error = await rejectionOf(
      createProject(session, {
        name: "Mixed",
        orchestratorId: orchestrator.id,
        executiveId: stranger.id,
        developerId: stranger.id,
      }),
    )
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "ProjectCreate.executiveId",
      "ProjectCreate.developerId",
    ])
    await session.commit()
    expect(await getProjectByName(session, "Mixed", orchestrator.id)).toBeNull()
  })

  it("reads, changes and deletes a project only through its orchestrator", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const other = await seedOwner(session)
    const project = await createProject(session, { name: "Mine", orchestratorId: orchestrator.id })
    await session.commit()
    expect(await getProject(session, project.id, other.orchestrator.id)).toBeNull()
    expect(await getProjectByName(session, "Mine", other.orchestrator.id)).toBeNull()
    expect(
      await updateProject(session, project.id, other.orchestrator.id, { name: "Theirs" }),
    ).toBeNull()
    expect(await deleteProject(session, project.id, other.orchestrator.id)).toBeNull()
    await session.commit()
    await session.refresh(project)
    expect(project.name).toBe("Mine")
  })

  it("renames a project and sets or clears its roles; a taken name is a UniqueViolationError", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const developer = await seedOperator(session, orchestrator.id)
    const project = await createProject(session, { name: "v1", orchestratorId: orchestrator.id })
    await createProject(session, { name: "taken", orchestratorId: orchestrator.id })
    await updateProject(session, project.id, orchestrator.id, {
      name: "v2",
      developerId: developer.id.toUpperCase(),
    })
    await session.commit()
    await session.refresh(project)
    expect(project).toMatchObject({ name: "v2", developerId: developer.id })
    await updateProject(session, project.id, orchestrator.id, { developerId: null })
    await session.commit()
    await session.refresh(project)
    expect(project).toMatchObject({ name: "v2", developerId: null })
    expect(
      await rejectionOf(updateProject(session, project.id, orchestrator.id, { name: "taken" })),
    ).toBeInstanceOf(UniqueViolationError)
    await session.rollback()
  })

  it("refuses to move a project to another orchestrator", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const project = await createProject(session, { name: "Stay", orchestratorId: orchestrator.id })
    const error = await rejectionOf(
      updateProject(session, project.id, orchestrator.id, {
        orchestratorId: orchestrator.id,
      } as never),
    )
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "ProjectUpdate.orchestratorId",
    ])
  })

  it("lists projects oldest first, without direct-message projects unless asked", async () => {
    await using session = open()
    const { orchestrator, user } = await seedOwner(session)
    const operator = await seedOperator(session, orchestrator.id)
    const ids: string[] = []
    for (let i = 0; i < 4; i += 1) {
      ids.push(
        (await createProject(session, { name: `p${i}`, orchestratorId: orchestrator.id })).id,
      )
    }
    await session.commit()
    expect((await getProjects(session, orchestrator.id)).map((p) => p.id)).toEqual(ids)
    const all = await getProjects(session, orchestrator.id, { includeDirectMessages: true })
    expect(all.map((p) => p.id)).toEqual([operator.directMessageProject!.id, ...ids])
    const page = await getProjects(session, orchestrator.id, { skip: 1, limit: 2 })
    expect(page.map((p) => p.id)).toEqual(ids.slice(1, 3))
    const everywhere = await getProjects(session, undefined, { limit: 1000 })
    expect(everywhere.every((p) => p.directMessageOperatorId === null)).toBe(true)
    expect(everywhere.map((p) => p.id)).toEqual(expect.arrayContaining(ids))
    expect(await getProjects(session, user.id)).toEqual([])
  })

  it("breaks a tie of createdAt by id: rows of one millisecond, added out of id order", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    await session.commit()
    const ids = Array.from({ length: 8 }, () => uuidv7())
    const at = new Date()
    // One flush, one createdAt; the rows are written in the reverse of their ids' order.
    ids
      .slice()
      .reverse()
      .forEach((id, index) =>
        session.add(
          make(Project, {
            id,
            name: `tie ${index}`,
            orchestratorId: orchestrator.id,
            createdAt: at,
          }),
        ),
      )
    await session.commit()
    await using reader = open()
    const listed = await getProjects(reader, orchestrator.id)
    expect(new Set(listed.map((project) => project.createdAt.getTime()))).toEqual(
      new Set([at.getTime()]),
    )
    expect(listed.map((project) => project.id)).toEqual(ids)
    expect(
      (await getProjects(reader, orchestrator.id, { skip: 3, limit: 2 })).map((p) => p.id),
    ).toEqual(ids.slice(3, 5))
  })

  it("deletes a project with its messages", async () => {
    let ids: { project: string; message: string }
    {
      await using session = open()
      const { orchestrator, user } = await seedOwner(session)
      const project = await createProject(session, {
        name: "Gone",
        orchestratorId: orchestrator.id,
      })
      const message = await createMessage(session, {
        type: "textmessage",
        content: "{}",
        projectId: project.id,
        userId: user.id,
      })
      ids = { project: project.id, message: message.id }
      await session.commit()
      expect(await deleteProject(session, project.id, orchestrator.id)).toBe(project)
      await session.commit()
    }
    await using reader = open()
    expect(await reader.get(Project, ids.project)).toBeNull()
    expect(await reader.get(Message, ids.message)).toBeNull()
  })
})
