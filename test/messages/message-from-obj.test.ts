import {
  ConcreteMessage,
  field,
  type MessageFields,
  messageFromObj,
  MessageStatus,
  PlannedComponents,
  TextMessage,
  uuidv7,
  ValidationError,
} from "../../src"
import { thrown } from "../support/thrown"

describe("messageFromObj()", () => {
  it("makes a new Message row with type, content, project, sender, prompt and status", () => {
    const projectId = uuidv7()
    const operatorId = uuidv7()
    const plan = new PlannedComponents({ components: ["index.html"] })
    const row = messageFromObj(plan, {
      projectId,
      operatorId,
      prompt: "Build a page",
      status: MessageStatus.Ready,
    })
    expect(row).toMatchObject({
      type: "plannedcomponents",
      content: '{"components":["index.html"]}',
      projectId,
      operatorId,
      userId: null,
      prompt: "Build a page",
      status: "ready",
    })
    expect(row.id).toEqual(expect.any(String))
  })

  it("defaults to status init and no prompt", () => {
    const userId = uuidv7()
    const row = messageFromObj(new TextMessage({ text: "hi" }), { projectId: uuidv7(), userId })
    expect(row).toMatchObject({ userId, operatorId: null, prompt: null, status: "init" })
  })

  it("rejects both senders, or neither", () => {
    const text = new TextMessage({ text: "hi" })
    const both = { projectId: uuidv7(), userId: uuidv7(), operatorId: uuidv7() } as never
    const neither = { projectId: uuidv7() } as never
    for (const options of [both, neither]) {
      expect(thrown(ValidationError, () => messageFromObj(text, options)).issues).toEqual([
        {
          property: "Message.userId",
          reasons: ["exactly one of userId and operatorId must be set"],
        },
      ])
    }
  })

  it("rejects an instance that does not fit its class, naming every bad property", () => {
    const error = thrown(ValidationError, () =>
      messageFromObj(new TextMessage(), { projectId: uuidv7(), userId: uuidv7() }),
    )
    expect(error.issues).toEqual([{ property: "TextMessage.text", reasons: ["is required"] }])
    const plan = new PlannedComponents({ components: ["a", 2 as unknown as string] })
    expect(
      thrown(ValidationError, () => messageFromObj(plan, { projectId: uuidv7(), userId: uuidv7() }))
        .issues,
    ).toEqual([
      { property: "PlannedComponents.components[1]", reasons: ["must be a string, not a number"] },
    ])
  })

  it("rejects an unregistered class, a missing project and an unknown status at once", () => {
    class Unregistered extends ConcreteMessage {
      static override readonly fields: MessageFields<Unregistered> = { x: field.string() }
      x = "x"
    }
    const error = thrown(ValidationError, () =>
      messageFromObj(new Unregistered(), {
        projectId: "",
        userId: uuidv7(),
        status: "done" as MessageStatus,
      }),
    )
    expect(error.issues.map((issue) => issue.property)).toEqual([
      "Message.type",
      "Message.projectId",
      "Message.status",
    ])
    expect(error.message).toContain("Unregistered is not a registered message type")
  })
})
