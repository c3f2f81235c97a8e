import {
  ConcreteMessage,
  field,
  Message,
  type MessageData,
  type MessageFields,
  messageFromObj,
  MessageStatus,
  MessageType,
  ProjectDirectory,
  ProjectFile,
  Session,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { newOwned } from "../support/fixtures"
import { sampleMessages } from "./samples"

@MessageType("storagecheck")
class StorageCheck extends ConcreteMessage {
  static override readonly fields: MessageFields<StorageCheck> = {
    passed: field.boolean(),
    score: field.nullable(field.integer()),
  }
  passed!: boolean
  score!: number | null
  constructor(init?: MessageData<StorageCheck>) {
    super()
    this.assign(init)
  }
}

describeEachDatabase("message types stored and read back", (db) => {
  it("every type survives messageFromObj → commit → read in a new session → toObj()", async () => {
    const { user, orchestrator, operator, project } = newOwned()
    {
      await using session = new Session(db().dataSource)
      session.addAll([user, orchestrator])
      await session.commit()
    }
    const big = new ProjectDirectory({
      projectName: "big",
      files: [new ProjectFile({ fileName: "big.txt", fileContents: "é🎉x".repeat(40_000) })],
    })
    const messages = [...sampleMessages(), big, new StorageCheck({ passed: true, score: null })]
    const rows = messages.map((message, i) =>
      messageFromObj(message, {
        projectId: project.id,
        ...(i % 2 === 0 ? { userId: user.id } : { operatorId: operator.id }),
        prompt: "Build a hello world page",
        status: MessageStatus.Finished,
      }),
    )
    {
      await using session = new Session(db().dataSource)
      session.addAll(rows)
      await session.commit()
    }

    await using reader = new Session(db().dataSource)
    const stored = await reader.find(Message, {
      where: { projectId: project.id },
      order: { createdAt: "ASC", id: "ASC" },
    })
    expect(stored.map((row) => row.id)).toEqual(rows.map((row) => row.id))
    expect(stored.map((row) => row.type)).toEqual(rows.map((row) => row.type))
    stored.forEach((row, i) => {
      const restored = row.toObj()
      expect(restored).toBeInstanceOf(messages[i]!.constructor)
      expect(restored).toStrictEqual(messages[i])
      expect(row.status).toBe("finished")
      expect(row.prompt).toBe("Build a hello world page")
    })
    const restoredBig = stored.at(-2)!.toObj() as ProjectDirectory
    expect(restoredBig.files[0]).toBeInstanceOf(ProjectFile)
    expect(restoredBig.files[0]!.fileContents).toHaveLength(big.files[0]!.fileContents.length)
  })
})
