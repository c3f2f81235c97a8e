import { DataSource, IsNull } from "typeorm"
import {
  type ConcreteMessage,
  type ConversationEntry,
  Developer,
  Executive,
  type Message,
  Operator,
  Orchestrator,
  Project,
  ProjectDirectory,
  ProjectFile,
  ScriptedClient,
  Session,
  SoftwareOrchestrator,
  TextMessage,
  User,
  demoClient,
  getCompletedProject,
  getMessages,
} from "../../src"
import * as dataSources from "../../src/create-data-source"
import { describeEachDatabase } from "../support/databases"
import { unique } from "../support/graph"

const PROMPT = "Build a hello world web page"

/** A client answering like the demo for the first `answers` requests, then failing. */
function failingAfter(answers: number, failure: Error): ScriptedClient {
  const demo = demoClient()
  return new ScriptedClient((request, index) => {
    if (index >= answers) throw failure
    return demo.complete(request)
  })
}

describeEachDatabase(
  "SoftwareOrchestrator with saveMessages",
  (db) => {
    const open = () => new Session(db().dataSource)

    function orchestrator(
      options: Partial<ConstructorParameters<typeof SoftwareOrchestrator>[0]> = {},
    ) {
      return new SoftwareOrchestrator({
        client: demoClient(),
        saveMessages: true,
        dataSource: db().dataSource,
        userEmail: `${unique("user")}@example.com`,
        orchestratorName: unique("orch").slice(-32),
        ...options,
      })
    }

    /** Runs `prompt` and returns the result with every entry `onMessage` saw. */
    async function runCollecting(subject: SoftwareOrchestrator, prompt = PROMPT) {
      const entries: ConversationEntry[] = []
      const result = await subject.run(prompt, { onMessage: (entry) => void entries.push(entry) })
      return { result, entries, project: entries[0]!.project! }
    }

    async function storedMessages(projectId: string): Promise<Message[]> {
      await using session = open()
      return getMessages(session, projectId)
    }

    it("stores the prompt and every answer in order, with senders, types, prompt and status", async () => {
      const subject = orchestrator()
      const { result, entries, project } = await runCollecting(subject)

      const rows = await storedMessages(project.id)
      expect(rows.map((row) => row.type)).toEqual([
        "textmessage",
        "plannedcomponents",
        "projectfile",
        "projectfile",
        "summary",
        "projectdirectory",
      ])
      // The rows are the ones handed to onMessage, in the order they passed.
      expect(rows.map((row) => row.id)).toEqual(entries.map((entry) => entry.row!.id))
      for (let i = 1; i < rows.length; i += 1) {
        expect(rows[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(
          rows[i - 1]!.createdAt.getTime(),
        )
      }

      await using session = open()
      const user = await session.findOne(User, { where: { email: subject.userEmail } })
      const executive = await session.findOne(Operator, {
        where: { name: "Executive", orchestratorId: project.orchestratorId },
      })
      const developer = await session.findOne(Operator, {
        where: { name: "Developer", orchestratorId: project.orchestratorId },
      })
      expect(user).not.toBeNull()
      expect(rows.map((row) => row.userId ?? row.operatorId)).toEqual([
        user!.id,
        executive!.id,
        developer!.id,
        developer!.id,
        executive!.id,
        developer!.id,
      ])
      expect(rows.map((row) => (row.userId ? "user" : "operator"))).toEqual([
        "user",
        "operator",
        "operator",
        "operator",
        "operator",
        "operator",
      ])
      expect(rows.map((row) => row.status)).toEqual([
        "working",
        "working",
        "working",
        "working",
        "working",
        "finished",
      ])
      expect(new Set(rows.map((row) => row.prompt))).toEqual(new Set([PROMPT]))

      // Each stored row decodes to the message that passed, of the same class.
      rows.forEach((row, index) => {
        const passed: ConcreteMessage = entries[index]!.message
        const decoded = row.toObj()
        expect(decoded).toBeInstanceOf(passed.constructor)
        expect(decoded).toEqual(passed)
        expect(row.content).toBe(passed.toContent())
      })
      const completed = await getCompletedProject(session, project.id)
      expect(completed?.id).toBe(rows.at(-1)!.id)
      expect(completed!.toObj()).toEqual(result)
      expect(result).toBeInstanceOf(ProjectDirectory)
      expect(result.files.map((file) => file.fileName)).toEqual(["index.html", "README.md"])

      const stored = await session.get(Project, project.id)
      expect(stored).toMatchObject({
        name: `${PROMPT} #1`,
        executiveId: executive!.id,
        developerId: developer!.id,
        directMessageOperatorId: null,
      })
      expect(result.projectName).toBe("build-a-hello-world-web-page-1")
    })

    it("reuses its user, orchestrator and operators on later runs, with a new project each", async () => {
      const userEmail = `${unique("user")}@example.com`
      const orchestratorName = unique("orch").slice(-32)
      const first = await runCollecting(orchestrator({ userEmail, orchestratorName }))
      // A new instance, as in a new process: found by email and names, not remembered.
      const executive = new Executive({ client: demoClient(), instructions: "Plan tersely." })
      const later = orchestrator({ userEmail, orchestratorName, executive })
      const second = await runCollecting(later)
      const third = await runCollecting(later, "Build a guest book")

      await using session = open()
      const users = await session.find(User, { where: { email: userEmail } })
      expect(users).toHaveLength(1)
      const orchestrators = await session.find(Orchestrator, { where: { userId: users[0]!.id } })
      expect(orchestrators.map((o) => o.name)).toEqual([orchestratorName])
      const orchestratorId = orchestrators[0]!.id
      const operators = await session.find(Operator, {
        where: { orchestratorId },
        order: { name: "ASC" },
      })
      expect(operators.map((o) => [o.name, o.title])).toEqual([
        ["Developer", "developer"],
        ["Executive", "executive"],
      ])
      // The stored executive says how the latest answers were asked for.
      expect(operators[1]!.instructions).toBe("Plan tersely.")
      const projects = await session.find(Project, {
        where: { orchestratorId, directMessageOperatorId: IsNull() },
        order: { createdAt: "ASC", id: "ASC" },
      })
      expect(projects.map((p) => p.name)).toEqual([
        `${PROMPT} #1`,
        `${PROMPT} #2`,
        "Build a guest book #1",
      ])
      expect([first, second, third].map((run) => run.project.id)).toEqual(projects.map((p) => p.id))
      for (const run of [first, second, third]) {
        const rows = await getMessages(session, run.project.id)
        expect(rows).toHaveLength(6)
        expect(rows[0]!.userId).toBe(users[0]!.id)
        expect(new Set(rows.slice(1).map((row) => row.operatorId))).toEqual(
          new Set(operators.map((o) => o.id)),
        )
      }
    })

    it("reuses the stored operator a lookup of its name finds, as the database compares names", async () => {
      const userEmail = `${unique("user")}@example.com`
      const orchestratorName = unique("orch").slice(-32)
      const padded = new Executive({ client: demoClient(), name: "Executive " })
      await runCollecting(orchestrator({ userEmail, orchestratorName, executive: padded }))
      const { project } = await runCollecting(orchestrator({ userEmail, orchestratorName }))

      await using session = open()
      const orchestratorId = project.orchestratorId
      // The stored operator a lookup of the name "Executive" finds, if any, is the one reused.
      const same = await session.findOne(Operator, {
        where: { orchestratorId, name: "Executive" },
      })
      const operators = await session.find(Operator, { where: { orchestratorId } })
      expect(operators).toHaveLength(same?.name === "Executive " ? 2 : 3)
      const stored = await session.get(Project, project.id)
      const executiveRow = operators.find((operator) => operator.id === stored!.executiveId)
      expect(executiveRow?.id).toBe(same!.id)
    })

    it("numbers runs per prompt, taking %, _ and ! in a prompt literally", async () => {
      const subject = orchestrator()
      const names: string[] = []
      for (const prompt of ["50X off_now", "50% off!now", "50% off!now", "50% off_now"]) {
        names.push((await runCollecting(subject, prompt)).project.name)
      }
      expect(names).toEqual([
        "50X off_now #1",
        "50% off!now #1",
        "50% off!now #2",
        "50% off_now #1",
      ])
    })

    it("takes the project name it is given, and refuses one that is taken", async () => {
      const subject = orchestrator()
      const { project, result } = await (async () => {
        const entries: ConversationEntry[] = []
        const result = await subject.run(PROMPT, {
          projectName: "Landing page",
          onMessage: (entry) => void entries.push(entry),
        })
        return { project: entries[0]!.project!, result }
      })()
      expect(project.name).toBe("Landing page")
      expect(result.projectName).toBe("landing-page")
      await expect(subject.run(PROMPT, { projectName: "Landing page" })).rejects.toMatchObject({
        name: "UniqueViolationError",
      })
    })

    it("keeps the messages answered before a client failure and marks nothing finished", async () => {
      const failure = new Error("the model is down")
      const client = failingAfter(2, failure)
      const subject = orchestrator({ client })
      const entries: ConversationEntry[] = []
      await expect(
        subject.run(PROMPT, { onMessage: (entry) => void entries.push(entry) }),
      ).rejects.toBe(failure)
      expect(client.requests).toHaveLength(3)

      const project = entries[0]!.project!
      const rows = await storedMessages(project.id)
      expect(rows.map((row) => row.type)).toEqual([
        "textmessage",
        "plannedcomponents",
        "projectfile",
      ])
      expect(rows.map((row) => row.status)).not.toContain("finished")
      expect(rows.map((row) => row.toObj())).toEqual(entries.map((entry) => entry.message))
      {
        await using session = open()
        expect(await getCompletedProject(session, project.id)).toBeNull()
      }

      // No session was left holding the connection: the next run goes through.
      const next = await runCollecting(
        orchestrator({ userEmail: subject.userEmail, orchestratorName: subject.orchestratorName }),
      )
      expect(next.project.name).toBe(`${PROMPT} #2`)
      expect(await storedMessages(next.project.id)).toHaveLength(6)
    })

    it("stores nothing when the first answer fails, but the prompt and the project", async () => {
      const failure = new Error("no model")
      const subject = orchestrator({ client: failingAfter(0, failure) })
      const entries: ConversationEntry[] = []
      await expect(
        subject.run(PROMPT, { onMessage: (entry) => void entries.push(entry) }),
      ).rejects.toBe(failure)
      const rows = await storedMessages(entries[0]!.project!.id)
      expect(rows.map((row) => [row.type, row.status])).toEqual([["textmessage", "working"]])
    })

    it("starts runs of a new user from two instances at once without duplicating anything", async () => {
      const userEmail = `${unique("user")}@example.com`
      const orchestratorName = unique("orch").slice(-32)
      const runs = await Promise.all(
        [0, 1, 2].map(() => runCollecting(orchestrator({ userEmail, orchestratorName }))),
      )
      const names = runs.map((run) => run.project.name).sort()
      expect(names).toEqual([`${PROMPT} #1`, `${PROMPT} #2`, `${PROMPT} #3`])
      await using session = open()
      expect(await session.find(User, { where: { email: userEmail } })).toHaveLength(1)
      const users = await session.find(User, { where: { email: userEmail } })
      expect(await session.find(Orchestrator, { where: { userId: users[0]!.id } })).toHaveLength(1)
      for (const run of runs) expect(await getMessages(session, run.project.id)).toHaveLength(6)
    })

    it("lets its own operators save what they are asked directly in their direct-message projects", async () => {
      const demo = demoClient()
      const client = new ScriptedClient((request) =>
        request.responseType === TextMessage
          ? { text: "I plan projects." }
          : demo.complete(request),
      )
      const userEmail = `${unique("user")}@example.com`
      const subject = orchestrator({ client, userEmail })
      expect(subject.executive.saveMessages).toBe(true)
      // Asked before any run: the user, orchestrator and operator are made on the way.
      const reply = await subject.executive.chat("What do you do?")
      expect(reply).toEqual(new TextMessage({ text: "I plan projects." }))
      const { project } = await runCollecting(subject)

      await using session = open()
      const user = await session.findOne(User, { where: { email: userEmail } })
      const executive = await session.findOne(Operator, {
        where: { name: "Executive", orchestratorId: project.orchestratorId },
      })
      const direct = await session.findOne(Project, {
        where: { directMessageOperatorId: executive!.id },
      })
      const rows = await getMessages(session, direct!.id)
      expect(rows.map((row) => [row.userId ?? null, row.operatorId ?? null, row.status])).toEqual([
        [user!.id, null, "working"],
        [null, executive!.id, "finished"],
      ])
      expect(rows.map((row) => row.toObj())).toEqual([
        new TextMessage({ text: "What do you do?" }),
        reply,
      ])
      // The run used the same stored executive.
      expect((await getMessages(session, project.id))[1]!.operatorId).toBe(executive!.id)
    })

    it("leaves operators it did not make, and those of an orchestrator that does not save, unsaving", () => {
      const client = demoClient()
      const given = new Executive({ client })
      expect(orchestrator({ executive: given }).executive.saveMessages).toBe(false)
      const quiet = new SoftwareOrchestrator({ client })
      expect([quiet.executive.saveMessages, quiet.developer.saveMessages]).toEqual([false, false])
    })

    it("rejects an empty prompt before storing anything", async () => {
      const subject = orchestrator()
      await expect(subject.run("  \n ")).rejects.toMatchObject({ name: "ValidationError" })
      await using session = open()
      expect(await session.findOne(User, { where: { email: subject.userEmail } })).toBeNull()
    })
  },
  { only: ["sqlite", "postgres", "mariadb"] },
)

describe("SoftwareOrchestrator without saveMessages", () => {
  it("runs the project without resolving, initializing or querying any data source", async () => {
    // Where a run would store messages if it tried: a data source that cannot even open.
    const dataSource = new DataSource({
      type: "better-sqlite3",
      database: "/nonexistent-directory/never.db",
    })
    const initialize = jest.spyOn(dataSource, "initialize")
    const createQueryRunner = jest.spyOn(dataSource, "createQueryRunner")
    const then = jest.fn()
    const pending = { then } as unknown as Promise<typeof dataSource>
    const defaults = jest.spyOn(dataSources, "getDataSource")
    try {
      const entries: ConversationEntry[] = []
      for (const source of [dataSource, pending, undefined]) {
        const subject = new SoftwareOrchestrator({ client: demoClient(), dataSource: source })
        const result = await subject.run(PROMPT, { onMessage: (entry) => void entries.push(entry) })
        expect(result.files.map((file) => file.fileName)).toEqual(["index.html", "README.md"])
      }
      expect(initialize).not.toHaveBeenCalled()
      expect(createQueryRunner).not.toHaveBeenCalled()
      expect(then).not.toHaveBeenCalled()
      expect(defaults).not.toHaveBeenCalled()
      expect(entries).toHaveLength(18)
      expect(entries.every((entry) => entry.row === undefined && entry.project === undefined)).toBe(
        true,
      )
      expect(entries.slice(0, 6).map((entry) => entry.status)).toEqual([
        "working",
        "working",
        "working",
        "working",
        "working",
        "finished",
      ])
    } finally {
      defaults.mockRestore()
    }
  })

  it("uses getDataSource() when saving without a data source of its own", async () => {
    const failure = new Error("no database today")
    const defaults = jest.spyOn(dataSources, "getDataSource").mockRejectedValue(failure)
    try {
      const client = demoClient()
      const subject = new SoftwareOrchestrator({ client, saveMessages: true })
      const error = (await subject.run(PROMPT).catch((e: unknown) => e)) as Error
      // The session may wrap what the data source threw; either way it is what surfaces.
      expect(error === failure || error.cause === failure).toBe(true)
      expect(defaults).toHaveBeenCalled()
      // Nothing is asked of the model when the prompt cannot be stored.
      expect(client.requests).toHaveLength(0)
    } finally {
      defaults.mockRestore()
    }
  })

  it("keeps one file per name in the result, the last one written", async () => {
    const client = new ScriptedClient([
      { components: ["a.txt: first", "b.txt", "a.txt: again"] },
      { fileName: "a.txt", fileContents: "1" },
      { fileName: "b.txt", fileContents: "2" },
      { fileName: "a.txt", fileContents: "3" },
      { summary: ["a", "b", "a again"] },
    ])
    const result = await new SoftwareOrchestrator({ client }).run("Letters")
    expect(result.files.map((file) => [file.fileName, file.fileContents])).toEqual([
      ["a.txt", "3"],
      ["b.txt", "2"],
    ])
    expect(result.projectName).toBe("letters")
  })

  it("passes its signal to every request, so aborting ends the run", async () => {
    const client = demoClient()
    const controller = new AbortController()
    const subject = new SoftwareOrchestrator({ client })
    const run = subject.run(PROMPT, {
      signal: controller.signal,
      onMessage: (entry) => {
        if (entry.message instanceof ProjectFile) controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ name: "LlmClientError", reason: "aborted" })
    expect(client.requests).toHaveLength(3)
    expect(client.requests.every((request) => request.signal === controller.signal)).toBe(true)
  })

  it("needs distinct operator names", () => {
    const client = demoClient()
    expect(
      () =>
        new SoftwareOrchestrator({
          client,
          executive: new Executive({ client, name: "Ada" }),
          developer: new Developer({ client, name: "Ada" }),
        }),
    ).toThrow('The executive and the developer need different names (both are "Ada")')
  })
})
