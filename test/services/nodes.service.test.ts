import {
  ForeignKeyViolationError,
  Node,
  Session,
  type ValidationError,
  createNode,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { rejectionOf } from "./seed"

describeEachDatabase("nodes service", (db) => {
  const open = () => new Session(db().dataSource)

  it("creates a root and a child under it", async () => {
    let ids: { root: string; child: string }
    {
      await using session = open()
      const root = await createNode(session, {})
      const child = await createNode(session, { parentId: root.id })
      ids = { root: root.id, child: child.id }
      await session.commit()
    }
    await using reader = open()
    expect((await reader.get(Node, ids.root))?.parentId).toBeNull()
    expect((await reader.get(Node, ids.child))?.parentId).toBe(ids.root)
  })

  it("refuses a malformed parent, and the database refuses a missing one", async () => {
    await using session = open()
    const error = await rejectionOf(createNode(session, { parentId: "root" }))
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "NodeCreate.parentId",
    ])
    expect(
      await rejectionOf(createNode(session, { parentId: "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15" })),
    ).toBeInstanceOf(ForeignKeyViolationError)
    await session.rollback()
  })
})
