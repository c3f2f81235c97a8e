import type { DataSource } from "typeorm"
import {
  AuthToken,
  Client,
  Message,
  Node,
  Operator,
  Orchestrator,
  Project,
  Tool,
  User,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make, saveGraph } from "../support/graph"

async function linkRows(db: DataSource, table: string, column: string, id: string) {
  const escape = (name: string) => db.driver.escape(name)
  const placeholder = db.options.type === "postgres" ? "$1" : "?"
  const rows: unknown[] = await db.query(
    `SELECT * FROM ${escape(table)} WHERE ${escape(column)} = ${placeholder}`,
    [id],
  )
  return rows.length
}

describeEachDatabase("ON DELETE rules", (db) => {
  it("deleting a user removes everything it owns and nothing else", async () => {
    const { dataSource } = db()
    const { manager } = dataSource
    const doomed = await saveGraph(manager)
    const kept = await saveGraph(manager)

    await manager.delete(User, { id: doomed.user.id })

    expect(await manager.countBy(Orchestrator, { id: doomed.orchestrator.id })).toBe(0)
    expect(await manager.countBy(Operator, { orchestratorId: doomed.orchestrator.id })).toBe(0)
    expect(await manager.countBy(Client, { id: doomed.client.id })).toBe(0)
    expect(await manager.countBy(Project, { id: doomed.project.id })).toBe(0)
    expect(await manager.countBy(Message, { projectId: doomed.project.id })).toBe(0)
    expect(await manager.countBy(AuthToken, { id: doomed.token.id })).toBe(0)
    expect(await linkRows(dataSource, "user_tool_link", "user_id", doomed.user.id)).toBe(0)
    expect(
      await linkRows(
        dataSource,
        "orchestrator_tool_link",
        "orchestrator_id",
        doomed.orchestrator.id,
      ),
    ).toBe(0)
    expect(
      await linkRows(dataSource, "operator_tool_link", "operator_id", doomed.developer.id),
    ).toBe(0)
    // Tools are shared things: deleting a user unlinks them but keeps them.
    expect(await manager.countBy(Tool, { id: doomed.tool.id })).toBe(1)

    expect(await manager.countBy(User, { id: kept.user.id })).toBe(1)
    expect(await manager.countBy(Operator, { orchestratorId: kept.orchestrator.id })).toBe(2)
    expect(await manager.countBy(Client, { id: kept.client.id })).toBe(1)
    expect(await manager.countBy(Message, { projectId: kept.project.id })).toBe(2)
    expect(await manager.countBy(AuthToken, { id: kept.token.id })).toBe(1)
    expect(await linkRows(dataSource, "user_tool_link", "user_id", kept.user.id)).toBe(1)
    expect(await linkRows(dataSource, "operator_tool_link", "operator_id", kept.developer.id)).toBe(
      1,
    )
  })

  it("deleting an operator clears it from projects it led and removes its direct-message project", async () => {
    const { manager } = db().dataSource
    const graph = await saveGraph(manager)
    const direct = await manager.save(
      make(Project, {
        name: `${graph.executive.name}'s Direct Messages`,
        orchestratorId: graph.orchestrator.id,
        directMessageOperatorId: graph.executive.id,
      }),
    )
    await manager.delete(Operator, { id: graph.executive.id })
    expect(await manager.countBy(Project, { id: direct.id })).toBe(0)
    const project = await manager.findOneByOrFail(Project, { id: graph.project.id })
    expect(project.executiveId).toBeNull()
    expect(project.developerId).toBe(graph.developer.id)
  })

  it("deleting a tool removes its links from every side", async () => {
    const { dataSource } = db()
    const graph = await saveGraph(dataSource.manager)
    await dataSource.manager.delete(Tool, { id: graph.tool.id })
    expect(await linkRows(dataSource, "user_tool_link", "tool_id", graph.tool.id)).toBe(0)
    expect(await linkRows(dataSource, "orchestrator_tool_link", "tool_id", graph.tool.id)).toBe(0)
    expect(await linkRows(dataSource, "operator_tool_link", "tool_id", graph.tool.id)).toBe(0)
    expect(await dataSource.manager.countBy(User, { id: graph.user.id })).toBe(1)
  })

  it("deleting a node removes its whole subtree and leaves its siblings", async () => {
    const { manager } = db().dataSource
    const root = await manager.save(new Node())
    const child = await manager.save(make(Node, { parentId: root.id }))
    const sibling = await manager.save(make(Node, { parentId: root.id }))
    let parent = child
    const descendants: Node[] = []
    for (let depth = 0; depth < 5; depth += 1) {
      parent = await manager.save(make(Node, { parentId: parent.id }))
      descendants.push(parent)
    }
    await manager.delete(Node, { id: child.id })
    for (const node of [child, ...descendants])
      expect(await manager.countBy(Node, { id: node.id })).toBe(0)
    expect(await manager.countBy(Node, { id: root.id })).toBe(1)
    expect(await manager.countBy(Node, { id: sibling.id })).toBe(1)
  })
})
