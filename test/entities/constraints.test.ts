import { QueryFailedError } from "typeorm"
import { Message, Operator, Orchestrator, Project, User } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make, saveGraph, unique } from "../support/graph"

describeEachDatabase("schema constraints", (db) => {
  it("rejects a duplicate email", async () => {
    const { manager } = db().dataSource
    const email = `${unique("dup")}@example.com`
    await manager.save(make(User, { email }))
    await expect(manager.save(make(User, { email }))).rejects.toThrow(QueryFailedError)
  })

  it("rejects a second orchestrator of the same name for one user, but not for another", async () => {
    const { manager } = db().dataSource
    const graph = await saveGraph(manager)
    const other = await manager.save(make(User, { email: `${unique("other")}@example.com` }))
    const same = { type: "software", name: graph.orchestrator.name }
    await expect(
      manager.save(make(Orchestrator, { ...same, userId: graph.user.id })),
    ).rejects.toThrow(QueryFailedError)
    await expect(
      manager.save(make(Orchestrator, { ...same, userId: other.id })),
    ).resolves.toBeDefined()
  })

  it("rejects a duplicate operator name within an orchestrator", async () => {
    const { manager } = db().dataSource
    const graph = await saveGraph(manager)
    const twin = make(Operator, {
      name: graph.developer.name,
      title: "developer",
      instructions: "again",
      orchestratorId: graph.orchestrator.id,
    })
    await expect(manager.save(twin)).rejects.toThrow(QueryFailedError)
  })

  it("rejects a duplicate project name within an orchestrator", async () => {
    const { manager } = db().dataSource
    const graph = await saveGraph(manager)
    const twin = make(Project, { name: graph.project.name, orchestratorId: graph.orchestrator.id })
    await expect(manager.save(twin)).rejects.toThrow(QueryFailedError)
  })

  it("rejects a message with both senders or with neither", async () => {
    const { manager } = db().dataSource
    const graph = await saveGraph(manager)
    const base = { type: "textmessage", content: "{}", projectId: graph.project.id }
    await expect(
      manager.insert(
        Message,
        make(Message, { ...base, userId: graph.user.id, operatorId: graph.developer.id }),
      ),
    ).rejects.toThrow(QueryFailedError)
    await expect(manager.insert(Message, make(Message, { ...base }))).rejects.toThrow(
      QueryFailedError,
    )
    const count = await manager.count(Message, { where: { projectId: graph.project.id } })
    expect(count).toBe(graph.messages.length)
  })

  it("compares text exactly on every database: case and trailing spaces make another email", async () => {
    const { manager } = db().dataSource
    const email = `${unique("Case")}@Example.com`
    await manager.save(make(User, { email }))
    await expect(manager.save(make(User, { email: email.toLowerCase() }))).resolves.toBeDefined()
    await expect(manager.save(make(User, { email: `${email} ` }))).resolves.toBeDefined()
    expect(await manager.countBy(User, { email })).toBe(1)
  })

  it("rejects a foreign key to a row that does not exist", async () => {
    const { manager } = db().dataSource
    const orphan = make(Orchestrator, {
      type: "software",
      name: "orphan",
      userId: "01900000-0000-7000-8000-000000000000",
    })
    await expect(manager.insert(Orchestrator, orphan)).rejects.toThrow(QueryFailedError)
  })
})
