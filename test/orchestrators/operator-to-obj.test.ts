import {
  AgentOperator,
  Developer,
  Executive,
  LlmClientError,
  type Message,
  OpenAICompatibleClient,
  Operator,
  Project,
  ScriptedClient,
  Session,
  TextMessage,
  ValidationError,
  createOperator,
  createOrchestrator,
  createUser,
  getMessages,
  getOperator,
  operatorToObj,
  withSession,
} from "../../src"
import * as dataSources from "../../src/create-data-source"
import { describeEachDatabase } from "../support/databases"
import { make, unique } from "../support/graph"

function stored(title: string, withProject = true): Operator {
  const operator = make(Operator, {
    name: `${title} one`,
    title,
    instructions: `You are the ${title}.`,
    orchestratorId: "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15",
  })
  if (withProject) {
    operator.directMessageProject = make(Project, {
      name: `${title} one's Direct Messages`,
      directMessageOperatorId: operator.id,
    })
  }
  return operator
}

describe("Operator.toObj", () => {
  const client = new ScriptedClient([])

  it("gives a Developer, an Executive or a plain AgentOperator by title", () => {
    const developer = stored("developer").toObj({ client })
    const executive = stored("executive").toObj({ client })
    const lead = stored("Executive").toObj({ client })
    const reviewer = stored("reviewer").toObj({ client })
    expect(developer).toBeInstanceOf(Developer)
    expect(executive).toBeInstanceOf(Executive)
    expect(lead).toBeInstanceOf(Executive)
    expect(reviewer).toBeInstanceOf(AgentOperator)
    expect(reviewer).not.toBeInstanceOf(Developer)
    expect(reviewer).not.toBeInstanceOf(Executive)
  })

  it("carries the operator's id, name, title, instructions and direct-message project id", () => {
    const operator = stored("developer")
    const agent = operator.toObj({ client })
    expect(agent).toMatchObject({
      operatorId: operator.id,
      name: "developer one",
      title: "developer",
      instructions: "You are the developer.",
      projectId: operator.directMessageProject!.id,
      client,
    })
    expect(operatorToObj(operator, { client })).toMatchObject({
      operatorId: operator.id,
      projectId: operator.directMessageProject!.id,
    })
  })

  it("saves its direct messages unless told not to, as the original's to_obj does", () => {
    expect(stored("developer").toObj({ client }).saveMessages).toBe(true)
    expect(stored("developer").toObj({ client, saveMessages: false }).saveMessages).toBe(false)
  })

  it("leaves the project id unset when the direct-message project was not loaded", () => {
    const agent = stored("developer", false).toObj({ client })
    expect(agent.projectId).toBeUndefined()
    expect(agent.operatorId).toBeDefined()
  })

  it("answers through an OpenAI-compatible client unless given one", () => {
    expect(stored("reviewer").toObj().client).toBeInstanceOf(OpenAICompatibleClient)
  })
})

describe("AgentOperator.chat without a database", () => {
  it("answers with a TextMessage and touches no database when it does not save", async () => {
    const defaults = jest.spyOn(dataSources, "getDataSource")
    try {
      const client = new ScriptedClient([{ text: "Hello" }])
      const agent = new AgentOperator({ client, name: "A", title: "t", instructions: "Be kind." })
      const reply = await agent.chat("Hi")
      expect(reply).toEqual(new TextMessage({ text: "Hello" }))
      expect(client.requests[0]!.messages).toEqual([
        { role: "system", content: "Be kind." },
        { role: "user", content: "Hi" },
      ])
      expect(defaults).not.toHaveBeenCalled()
    } finally {
      defaults.mockRestore()
    }
  })

  it("refuses an empty prompt, and saving without an operatorId, before asking the model", async () => {
    const client = new ScriptedClient([{ text: "never" }])
    const base = { client, name: "A", title: "t", instructions: "i" }
    const saving = new AgentOperator({ ...base, saveMessages: true })
    const error = await saving.chat("Hi").catch((caught: unknown) => caught)
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "AgentOperator.operatorId",
    ])
    await expect(new AgentOperator(base).chat(" ")).rejects.toBeInstanceOf(ValidationError)
    expect(client.requests).toHaveLength(0)
  })
})

describeEachDatabase("Operator.toObj and chat with saveMessages", (db) => {
  /** A committed user, orchestrator and developer (with its direct-message project). */
  async function seed() {
    await using session = new Session(db().dataSource)
    const user = await createUser(session, { email: `${unique("dm")}@example.com` })
    const orchestrator = await createOrchestrator(session, {
      type: "software",
      name: unique("o").slice(-32),
      userId: user.id,
    })
    const operator = await createOperator(session, {
      instructions: "Write the code.",
      name: unique("dev"),
      title: "developer",
      orchestratorId: orchestrator.id,
    })
    await session.commit()
    return { user, orchestrator, operator, projectId: operator.directMessageProject!.id }
  }

  function directMessages(projectId: string): Promise<Message[]> {
    return withSession((s) => getMessages(s, projectId), db().dataSource)
  }

  it("stores the question and the answer in the direct-message project, each committed as it arrives", async () => {
    const { user, orchestrator, operator, projectId } = await seed()
    let seenWhileAnswering: Message[] | undefined
    const client = new ScriptedClient(async () => {
      // Another session reads while the model answers: the question is committed, and no
      // session holds the connection (on SQLite this would wait for it and time out).
      seenWhileAnswering = await directMessages(projectId)
      return { text: "Nothing yet." }
    })
    // Read back without its project loaded: chat() finds the project by the operator's id.
    const row = await withSession(
      (s) => getOperator(s, operator.id, orchestrator.id),
      db().dataSource,
    )
    const agent = row!.toObj({ client, dataSource: db().dataSource })
    expect(agent).toBeInstanceOf(Developer)
    expect(agent.projectId).toBeUndefined()

    const reply = await agent.chat("What did you write?")
    expect(reply).toEqual(new TextMessage({ text: "Nothing yet." }))
    expect(seenWhileAnswering!.map((m) => [m.userId, m.status])).toEqual([[user.id, "working"]])
    const rows = await directMessages(projectId)
    expect(
      rows.map((m) => [m.type, m.userId ?? null, m.operatorId ?? null, m.status, m.prompt]),
    ).toEqual([
      ["textmessage", user.id, null, "working", "What did you write?"],
      ["textmessage", null, operator.id, "finished", "What did you write?"],
    ])
    expect(rows.map((m) => m.toObj())).toEqual([
      new TextMessage({ text: "What did you write?" }),
      reply,
    ])
  })

  it("uses the direct-message project id it carries, and stores nothing when told not to", async () => {
    const { operator, projectId } = await seed()
    const client = new ScriptedClient([{ text: "one" }, { text: "two" }])
    const agent = operator.toObj({ client, dataSource: db().dataSource })
    expect(agent.projectId).toBe(projectId)
    await agent.chat("First")
    const quiet = operator.toObj({ client, dataSource: db().dataSource, saveMessages: false })
    await quiet.chat("Second")
    expect((await directMessages(projectId)).map((m) => m.toObj())).toEqual([
      new TextMessage({ text: "First" }),
      new TextMessage({ text: "one" }),
    ])
  })

  it("keeps the question when the model fails, and throws the failure", async () => {
    const { operator, projectId } = await seed()
    const failure = new LlmClientError("the model is down", { reason: "http" })
    const client = new ScriptedClient(() => {
      throw failure
    })
    const agent = operator.toObj({ client, dataSource: db().dataSource })
    await expect(agent.chat("Still there?")).rejects.toBe(failure)
    const rows = await directMessages(projectId)
    expect(rows.map((m) => [m.type, m.status])).toEqual([["textmessage", "working"]])
  })
})
