import {
  COMPLETED_PROJECT_MESSAGE_TYPE,
  Message,
  type MessageCreate,
  MessageStatus,
  Session,
  ValidationError,
  createMessage,
  createProject,
  deleteMessage,
  getCompletedProject,
  getMessage,
  getMessages,
  updateMessage,
} from "../../src"
import { stageMessage } from "../../src/services/messages.service"
import { describeEachDatabase } from "../support/databases"
import { unique } from "../support/graph"
import { rejectionOf, seedOperator, seedOwner } from "./seed"

describeEachDatabase("messages service", (db) => {
  const open = () => new Session(db().dataSource)

  async function seedProject(session: Session) {
    const { user, orchestrator } = await seedOwner(session)
    const operator = await seedOperator(session, orchestrator.id)
    const project = await createProject(session, {
      name: unique("project"),
      orchestratorId: orchestrator.id,
    })
    return { user, operator, project }
  }

  function text(
    projectId: string,
    sender: { userId?: string; operatorId?: string },
    words: string,
  ) {
    return { type: "textmessage", content: JSON.stringify({ text: words }), projectId, ...sender }
  }

  it("creates a message from plain JSON and reads it back", async () => {
    let id: string
    let projectId: string
    let userId: string
    {
      await using session = open()
      const { user, project } = await seedProject(session)
      projectId = project.id
      userId = user.id
      const body = JSON.stringify({ ...text(project.id, { userId }, "héllo 🤖"), prompt: "hi" })
      const message = await createMessage(session, JSON.parse(body) as MessageCreate)
      expect(message.status).toBe(MessageStatus.Init)
      id = message.id
      await session.commit()
    }
    await using reader = open()
    expect(await getMessage(reader, id)).toMatchObject({
      type: "textmessage",
      content: '{"text":"héllo 🤖"}',
      prompt: "hi",
      status: "init",
      projectId,
      userId,
      operatorId: null,
    })
  })

  it("stages a message without sending anything; the commit writes it", async () => {
    let projectId: string
    let userId: string
    {
      await using session = open()
      const { user, project } = await seedProject(session)
      await session.commit()
      projectId = project.id
      userId = user.id
    }
    await using session = open()
    const staged = await stageMessage(session, text(projectId, { userId }, "staged"))
    expect(session.isActive).toBe(false) // no flush: not even a connection yet
    await session.commit()
    await using reader = open()
    expect(await getMessage(reader, staged.id)).toMatchObject({ projectId, userId })
  })

  it("writes nothing when both senders or neither are given", async () => {
    await using session = open()
    const { user, operator, project } = await seedProject(session)
    await session.commit()
    const both = await rejectionOf(
      createMessage(session, text(project.id, { userId: user.id, operatorId: operator.id }, "x")),
    )
    const neither = await rejectionOf(createMessage(session, text(project.id, {}, "x")))
    for (const error of [both, neither]) {
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
        "MessageCreate.userId",
        "MessageCreate.operatorId",
      ])
    }
    await session.commit()
    expect(await getMessages(session, project.id)).toEqual([])
  })

  it("stores large JSON content intact", async () => {
    await using session = open()
    const { operator, project } = await seedProject(session)
    const words = "é🤖x".repeat(400_000)
    const message = await createMessage(
      session,
      text(project.id, { operatorId: operator.id }, words),
    )
    await session.commit()
    await session.close()
    await using reader = open()
    const loaded = await getMessage(reader, message.id)
    expect((JSON.parse(loaded!.content) as { text: string }).text).toBe(words)
  })

  it("lists a project's messages oldest first, by prompt, skip and limit", async () => {
    await using session = open()
    const { user, operator, project } = await seedProject(session)
    const other = await seedProject(session)
    await createMessage(session, text(other.project.id, { userId: other.user.id }, "elsewhere"))
    const ids: string[] = []
    for (let i = 0; i < 6; i += 1) {
      const sender = i % 2 ? { operatorId: operator.id } : { userId: user.id }
      const prompt = i < 3 ? "first" : "second"
      ids.push((await createMessage(session, { ...text(project.id, sender, `m${i}`), prompt })).id)
    }
    await session.commit()
    expect((await getMessages(session, project.id)).map((m) => m.id)).toEqual(ids)
    const second = await getMessages(session, project.id, { prompt: "second" })
    expect(second.map((m) => m.id)).toEqual(ids.slice(3))
    const page = await getMessages(session, project.id, { skip: 2, limit: 3 })
    expect(page.map((m) => m.id)).toEqual(ids.slice(2, 5))
    const promptPage = await getMessages(session, project.id, {
      prompt: "first",
      skip: 1,
      limit: 1,
    })
    expect(promptPage.map((m) => m.id)).toEqual([ids[1]])
    expect(await getMessages(session, project.id, { prompt: "none" })).toEqual([])
    expect(await getMessages(session, "nope")).toEqual([])
  })

  it("keeps the order of many messages written in the same millisecond", async () => {
    await using session = open()
    const { user, project } = await seedProject(session)
    const messages = Array.from({ length: 300 }, (_, i) =>
      Object.assign(new Message(), text(project.id, { userId: user.id }, `burst ${i}`)),
    )
    session.addAll(messages)
    await session.commit()
    const listed = await getMessages(session, project.id, { limit: 1000 })
    expect(listed.map((m) => m.id)).toEqual(messages.map((m) => m.id))
  })

  it("returns the project's newest ProjectDirectory message as its result", async () => {
    await using session = open()
    const { operator, project } = await seedProject(session)
    const directory = (prompt: string, n: number) => ({
      type: COMPLETED_PROJECT_MESSAGE_TYPE,
      content: JSON.stringify({ name: `site-${n}`, files: [] }),
      prompt,
      projectId: project.id,
      operatorId: operator.id,
    })
    expect(await getCompletedProject(session, project.id)).toBeNull()
    await createMessage(session, text(project.id, { operatorId: operator.id }, "working"))
    const older = await createMessage(session, directory("a", 1))
    const newer = await createMessage(session, directory("a", 2))
    const other = await createMessage(session, directory("b", 3))
    await createMessage(session, {
      ...text(project.id, { operatorId: operator.id }, "done"),
      prompt: "a",
    })
    await session.commit()
    expect((await getCompletedProject(session, project.id))?.id).toBe(other.id)
    expect((await getCompletedProject(session, project.id, "a"))?.id).toBe(newer.id)
    expect(older.id < newer.id).toBe(true)
    expect(await getCompletedProject(session, project.id, "c")).toBeNull()
  })

  it("finds the finished project directory whatever the case of its stored type", async () => {
    await using session = open()
    const { operator, project } = await seedProject(session)
    const directory = (type: string, prompt: string) => ({
      type,
      content: JSON.stringify({ projectName: "site", files: [] }),
      prompt,
      projectId: project.id,
      operatorId: operator.id,
    })
    const camel = await createMessage(session, directory("ProjectDirectory", "camel"))
    const lower = await createMessage(session, directory("projectdirectory", "lower"))
    const upper = await createMessage(session, directory("PROJECTDIRECTORY", "upper"))
    await createMessage(session, directory("projectdirectoryx", "other"))
    await session.commit()
    expect((await getCompletedProject(session, project.id, "camel"))?.id).toBe(camel.id)
    expect((await getCompletedProject(session, project.id, "lower"))?.id).toBe(lower.id)
    expect((await getCompletedProject(session, project.id))?.id).toBe(upper.id)
    expect(await getCompletedProject(session, project.id, "other")).toBeNull()
  })

  it("refuses a status outside the five before writing anything", async () => {
    await using session = open()
    const { user, project } = await seedProject(session)
    await session.commit()
    const before = await session.manager.count(Message)
    const error = await rejectionOf(
      createMessage(session, {
        ...text(project.id, { userId: user.id }, "x"),
        status: "bogus",
      } as never),
    )
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "MessageCreate.status",
    ])
    await session.commit()
    expect(await session.manager.count(Message)).toBe(before)
  })

  it("updates a message's status only", async () => {
    await using session = open()
    const { user, project } = await seedProject(session)
    const message = await createMessage(session, text(project.id, { userId: user.id }, "x"))
    await session.commit()
    expect(await updateMessage(session, message.id, { status: "finished" })).toBe(message)
    await session.commit()
    await session.refresh(message)
    expect(message.status).toBe("finished")
    const error = await rejectionOf(
      updateMessage(session, message.id, { status: "done", content: "{}", userId: null } as never),
    )
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "MessageUpdate.content",
      "MessageUpdate.userId",
      "MessageUpdate.status",
    ])
    expect(await updateMessage(session, "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15", {})).toBeNull()
  })

  it("deletes a message", async () => {
    await using session = open()
    const { user, project } = await seedProject(session)
    const message = await createMessage(session, text(project.id, { userId: user.id }, "x"))
    await session.commit()
    expect(await deleteMessage(session, message.id)).toBe(message)
    expect(await deleteMessage(session, message.id)).toBeNull()
    await session.commit()
    expect(await getMessage(session, message.id)).toBeNull()
  })
})
