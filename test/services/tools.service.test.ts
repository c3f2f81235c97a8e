import {
  NotFoundError,
  Session,
  Tool,
  ValidationError,
  assignToolToOperator,
  assignToolToOrchestrator,
  assignToolToUser,
  createTool,
  getOperatorTools,
  getToolByName,
  getOrchestratorTools,
  getUserTools,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { rejectionOf, seedOperator, seedOwner } from "./seed"

const MISSING = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"

describeEachDatabase("tools service", (db) => {
  const open = () => new Session(db().dataSource)

  it("creates a tool and gives it to the user, in the caller's transaction", async () => {
    let ids: { user: string; tool: string }
    {
      await using session = open()
      const { user } = await seedOwner(session)
      const tool = await createTool(session, { name: "GithubTool" }, user.id)
      expect(tool).toBeInstanceOf(Tool)
      ids = { user: user.id, tool: tool.id }
      await session.commit()
    }
    await using reader = open()
    expect((await getUserTools(reader, ids.user)).map((tool) => [tool.id, tool.name])).toEqual([
      [ids.tool, "GithubTool"],
    ])
  })

  it("writes no tool for a user that does not exist, or for invalid input", async () => {
    await using session = open()
    const { user } = await seedOwner(session)
    await session.commit()
    const before = await session.manager.count(Tool)
    expect(await rejectionOf(createTool(session, { name: "Orphan" }, MISSING))).toBeInstanceOf(
      NotFoundError,
    )
    const error = await rejectionOf(createTool(session, { name: "" }, user.id))
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "ToolCreate.name",
    ])
    await session.commit()
    expect(await session.manager.count(Tool)).toBe(before)
  })

  it("assigns a tool to a user, an orchestrator and an operator, idempotently", async () => {
    await using session = open()
    const { user, orchestrator } = await seedOwner(session)
    const operator = await seedOperator(session, orchestrator.id)
    const other = await seedOwner(session)
    const tool = await createTool(session, { name: "Search" }, other.user.id)
    await session.commit()
    for (let round = 0; round < 2; round += 1) {
      expect(await assignToolToUser(session, user.id, tool.id)).toBe(user)
      expect(await assignToolToOrchestrator(session, orchestrator.id, tool.id)).toBe(orchestrator)
      expect(await assignToolToOperator(session, operator.id, tool.id)).toBe(operator)
      await session.commit()
    }
    await inFreshSession(async (reader) => {
      expect((await getUserTools(reader, user.id)).map((t) => t.id)).toEqual([tool.id])
      expect((await getOrchestratorTools(reader, orchestrator.id)).map((t) => t.id)).toEqual([
        tool.id,
      ])
      expect((await getOperatorTools(reader, operator.id)).map((t) => t.id)).toEqual([tool.id])
      expect((await getUserTools(reader, other.user.id)).map((t) => t.id)).toEqual([tool.id])
    }, session)
  })

  it("keeps the tools an owner has when it is given another", async () => {
    await using session = open()
    const { user, orchestrator } = await seedOwner(session)
    const first = await createTool(session, { name: "First" }, user.id)
    const second = await createTool(session, { name: "Second" }, user.id)
    await session.commit()
    await assignToolToOrchestrator(session, orchestrator.id, first.id)
    await session.commit()
    await assignToolToOrchestrator(session, orchestrator.id, second.id)
    await session.commit()
    await inFreshSession(async (reader) => {
      expect((await getUserTools(reader, user.id)).map((t) => t.id)).toEqual([first.id, second.id])
      expect((await getOrchestratorTools(reader, orchestrator.id)).map((t) => t.id)).toEqual([
        first.id,
        second.id,
      ])
    }, session)
  })

  it("returns null when the owner or the tool does not exist, and links nothing", async () => {
    await using session = open()
    const { user, orchestrator } = await seedOwner(session)
    const tool = await createTool(session, { name: "Lonely" }, user.id)
    await session.commit()
    expect(await assignToolToUser(session, MISSING, tool.id)).toBeNull()
    expect(await assignToolToOrchestrator(session, orchestrator.id, MISSING)).toBeNull()
    expect(await assignToolToOperator(session, "not-a-uuid", tool.id)).toBeNull()
    expect(await assignToolToOperator(session, orchestrator.id, tool.id)).toBeNull()
    await session.commit()
    expect(await getOrchestratorTools(session, orchestrator.id)).toEqual([])
  })

  it("lists an operator's tools oldest first, by skip and limit", async () => {
    await using session = open()
    const { user, orchestrator } = await seedOwner(session)
    const operator = await seedOperator(session, orchestrator.id)
    const other = await seedOperator(session, orchestrator.id)
    const ids: string[] = []
    for (let i = 0; i < 5; i += 1) {
      const tool = await createTool(session, { name: `tool-${i}` }, user.id)
      ids.push(tool.id)
      await assignToolToOperator(session, operator.id, tool.id)
      if (i === 2) await assignToolToOperator(session, other.id, tool.id)
    }
    await session.commit()
    await inFreshSession(async (reader) => {
      expect((await getOperatorTools(reader, operator.id)).map((t) => t.id)).toEqual(ids)
      const page = await getOperatorTools(reader, operator.id, { skip: 1, limit: 3 })
      expect(page.map((t) => t.id)).toEqual(ids.slice(1, 4))
      expect((await getOperatorTools(reader, other.id)).map((t) => t.id)).toEqual([ids[2]])
      expect(await getOperatorTools(reader, MISSING)).toEqual([])
      expect(await rejectionOf(getOperatorTools(reader, operator.id, { skip: -2 }))).toBeInstanceOf(
        ValidationError,
      )
    }, session)
  })

  it("finds a user's tool by name, and not another user's tool of that name", async () => {
    await using session = open()
    const { user } = await seedOwner(session)
    const other = await seedOwner(session)
    const mine = await createTool(session, { name: "GithubTool" }, user.id)
    const theirs = await createTool(session, { name: "GithubTool" }, other.user.id)
    await createTool(session, { name: "Search" }, other.user.id)
    await session.commit()
    expect((await getToolByName(session, "GithubTool", user.id))?.id).toBe(mine.id)
    expect((await getToolByName(session, "GithubTool", other.user.id))?.id).toBe(theirs.id)
    expect(await getToolByName(session, "Search", user.id)).toBeNull()
    expect(await getToolByName(session, "githubtool", user.id)).toBeNull()
    expect(await getToolByName(session, "GithubTool", MISSING)).toBeNull()
    expect(await getToolByName(session, "GithubTool", "not-a-uuid")).toBeNull()
  })

  it("lists a user's tools by email as well as by id", async () => {
    await using session = open()
    const { user } = await seedOwner(session)
    const first = await createTool(session, { name: "First" }, user.id)
    const second = await createTool(session, { name: "Second" }, user.id)
    await seedOwner(session).then(({ user: other }) =>
      createTool(session, { name: "Elsewhere" }, other.id),
    )
    await session.commit()
    const byId = await getUserTools(session, user.id)
    const byEmail = await getUserTools(session, user.email)
    expect(byEmail.map((t) => t.id)).toEqual([first.id, second.id])
    expect(byId.map((t) => t.id)).toEqual(byEmail.map((t) => t.id))
    expect((await getUserTools(session, user.email, { skip: 1 })).map((t) => t.id)).toEqual([
      second.id,
    ])
    expect(await getUserTools(session, "nobody@example.com")).toEqual([])
    expect(await getUserTools(session, user.email.toUpperCase())).toEqual([])
  })

  it("lists an orchestrator's tools only for the user who owns it, when a user is given", async () => {
    await using session = open()
    const { user, orchestrator } = await seedOwner(session)
    const other = await seedOwner(session)
    const tool = await createTool(session, { name: "Deploy" }, user.id)
    await assignToolToOrchestrator(session, orchestrator.id, tool.id)
    await session.commit()
    const ids = async (tools: Promise<Tool[]>) => (await tools).map((t) => t.id)
    expect(await ids(getOrchestratorTools(session, orchestrator.id, user.id))).toEqual([tool.id])
    expect(await ids(getOrchestratorTools(session, orchestrator.id, other.user.id))).toEqual([])
    expect(await ids(getOrchestratorTools(session, orchestrator.id, "not-a-uuid"))).toEqual([])
    expect(await ids(getOrchestratorTools(session, orchestrator.id))).toEqual([tool.id])
    expect(await ids(getOrchestratorTools(session, orchestrator.id, { limit: 1 }))).toEqual([
      tool.id,
    ])
    expect(await ids(getOrchestratorTools(session, orchestrator.id, user.id, { skip: 1 }))).toEqual(
      [],
    )
  })

  it("refuses a page larger than 1,000 for every tool list, naming the cap", async () => {
    await using session = open()
    const { user, orchestrator } = await seedOwner(session)
    await session.commit()
    const tooMany = { limit: 1001 }
    for (const list of [
      getUserTools(session, user.id, tooMany),
      getUserTools(session, user.email, tooMany),
      getOrchestratorTools(session, orchestrator.id, user.id, tooMany),
      getOperatorTools(session, MISSING, tooMany),
    ]) {
      const error = await rejectionOf(list)
      expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
        "Pagination.limit",
      ])
    }
  })

  // Reads in a new session, after closing `session` (SQLite has one connection).
  async function inFreshSession(
    body: (reader: Session) => Promise<void>,
    session: Session,
  ): Promise<void> {
    await session.close()
    await using reader = open()
    await body(reader)
  }
})
