import { Message, Project, User, isUuid, uuidv7Timestamp } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make, saveGraph } from "../support/graph"

describe("MetadataEntity", () => {
  it("has a UUIDv7 id as soon as it is constructed", () => {
    const before = Date.now()
    const user = new User()
    expect(isUuid(user.id)).toBe(true)
    expect(user.id[14]).toBe("7")
    expect(["8", "9", "a", "b"]).toContain(user.id[19])
    expect(uuidv7Timestamp(user.id)).toBeGreaterThanOrEqual(before)
    expect(uuidv7Timestamp(user.id)).toBeLessThanOrEqual(Date.now())
  })

  it("gives later objects larger ids, even within one millisecond", () => {
    const ids = Array.from({ length: 5_000 }, () => new Message().id)
    const sorted = [...ids].sort()
    expect(sorted).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describeEachDatabase("MetadataEntity in the database", (db) => {
  it("keeps the id given before saving and timestamps to the millisecond", async () => {
    const { manager } = db().dataSource
    const user = make(User, { email: `ms-${Date.now()}@example.com` })
    const id = user.id
    user.createdAt = new Date("2026-01-02T03:04:05.678Z")
    user.updatedAt = new Date("2026-01-02T03:04:05.999Z")
    await manager.save(user)
    const loaded = await manager.findOneByOrFail(User, { id })
    expect(loaded.id).toBe(id)
    expect(loaded.createdAt.toISOString()).toBe("2026-01-02T03:04:05.678Z")
    expect(loaded.updatedAt.toISOString()).toBe("2026-01-02T03:04:05.999Z")
  })

  it("reads messages saved in one transaction back in the order they were created", async () => {
    const { dataSource } = db()
    const graph = await saveGraph(dataSource.manager)
    const project = await dataSource.manager.save(
      make(Project, { name: "ordering", orchestratorId: graph.orchestrator.id }),
    )
    const now = new Date()
    // Same timestamp for all: the UUIDv7 ids must carry the order.
    const messages = Array.from({ length: 50 }, (_, i) =>
      make(Message, {
        type: "textmessage",
        content: JSON.stringify({ text: `m${i}` }),
        projectId: project.id,
        userId: graph.user.id,
        createdAt: now,
        updatedAt: now,
      }),
    )
    await dataSource.transaction(async (manager) => {
      await manager.insert(Message, messages)
    })
    const loaded = await dataSource.manager.find(Message, {
      where: { projectId: project.id },
      order: { createdAt: "ASC", id: "ASC" },
    })
    expect(loaded.map((message) => message.id)).toEqual(messages.map((message) => message.id))
  })
})
