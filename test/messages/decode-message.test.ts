import {
  ConcreteMessage,
  decodeMessage,
  field,
  Message,
  type MessageClass,
  type MessageFields,
  messageFromObj,
  MessageRegistry,
  ProjectDirectory,
  ProjectFile,
  TextMessage,
  uuidv7,
  MessageDecodeError,
} from "../../src"
import { thrown } from "../support/thrown"
import { sampleCases } from "./samples"

function row(type: string, content: string): Message {
  return Object.assign(new Message(), { type, content, projectId: uuidv7(), userId: uuidv7() })
}

describe("Message.toObj()", () => {
  it.each(sampleCases())(
    "%s: instance → row → toObj() gives an equal instance of the same class",
    (_name, message) => {
      const stored = messageFromObj(message, { projectId: uuidv7(), operatorId: uuidv7() })
      expect(stored.type).toBe((message.constructor as MessageClass).messageType)
      expect(stored.content).toBe(message.toContent())
      const restored = stored.toObj()
      expect(restored).toBeInstanceOf(message.constructor)
      expect(restored).toStrictEqual(message)
    },
  )

  it("restores nested classes", () => {
    const restored = row(
      "projectdirectory",
      '{"projectName":"p","files":[{"fileName":"a","fileContents":"b"}]}',
    ).toObj() as ProjectDirectory
    expect(restored).toBeInstanceOf(ProjectDirectory)
    expect(restored.files[0]).toBeInstanceOf(ProjectFile)
  })

  it("finds the class whatever the case of the stored type", () => {
    expect(row("TextMessage", '{"text":"hi"}').toObj()).toStrictEqual(
      new TextMessage({ text: "hi" }),
    )
    expect(row("TEXTMESSAGE", '{"text":"hi"}').toObj()).toBeInstanceOf(TextMessage)
  })

  it("an unknown type is an error naming the message id and type", () => {
    const stored = row("Hologram", '{"text":"hi"}')
    const error = thrown(MessageDecodeError, () => stored.toObj())
    expect(error.messageId).toBe(stored.id)
    expect(error.messageType).toBe("Hologram")
    expect(error.message).toContain(stored.id)
    expect(error.message).toContain('"Hologram" is not a registered message type')
    expect(error.message).toContain("textmessage")
  })

  it("content that is not JSON is an error naming id and type, the parse error as cause", () => {
    const stored = row("textmessage", "{text: hi")
    const error = thrown(MessageDecodeError, () => stored.toObj())
    expect(error.message).toContain(`message ${stored.id} of type "textmessage"`)
    expect(error.message).toContain("the content is not valid JSON")
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  it.each([
    [
      "a missing field",
      "projectdirectory",
      '{"projectName":"p"}',
      "ProjectDirectory.files is required",
    ],
    [
      "a wrong type",
      "textmessage",
      '{"text":5}',
      "TextMessage.text must be a string, not a number",
    ],
    [
      "an extra field",
      "textmessage",
      '{"text":"a","x":1}',
      "TextMessage.x is not a field of TextMessage",
    ],
    [
      "a bad nested item",
      "projectdirectory",
      '{"projectName":"p","files":[{"fileName":"a"}]}',
      "ProjectDirectory.files[0].fileContents is required",
    ],
    [
      "JSON that is not an object",
      "rating",
      "[1,2]",
      "Rating must be an object (Rating), not an array",
    ],
  ])(
    "JSON with %s is an error naming id, type and the property",
    (_what, type, content, problem) => {
      const stored = row(type, content)
      const error = thrown(MessageDecodeError, () => stored.toObj())
      expect(error.messageId).toBe(stored.id)
      expect(error.messageType).toBe(type)
      expect(error.problems).toEqual([problem])
      expect(error.message).toBe(`Cannot decode message ${stored.id} of type "${type}": ${problem}`)
    },
  )

  it("says so when the content was not loaded", () => {
    const stored = Object.assign(new Message(), { type: "textmessage" })
    expect(thrown(MessageDecodeError, () => stored.toObj()).problems).toEqual([
      "the content was not loaded",
    ])
  })

  it("decodeMessage() takes a registry of its own", () => {
    class Note extends ConcreteMessage {
      static override readonly fields: MessageFields<Note> = { note: field.string() }
      note!: string
    }
    const registry = new MessageRegistry([Note])
    const decoded = decodeMessage({ id: "n1", type: "note", content: '{"note":"x"}' }, registry)
    expect(decoded).toBeInstanceOf(Note)
    expect(() =>
      decodeMessage({ id: "n2", type: "textmessage", content: '{"text":"x"}' }, registry),
    ).toThrow('"textmessage" is not a registered message type (known: note)')
  })
})
