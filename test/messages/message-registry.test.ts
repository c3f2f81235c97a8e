import {
  BUILT_IN_MESSAGE_TYPES,
  ConcreteDbError,
  ConcreteMessage,
  field,
  type MessageData,
  type MessageFields,
  type MessageClass,
  MessageRegistry,
  messageRegistry,
  MessageType,
  NodeUUID,
  ProjectDirectory,
  registerMessageType,
  TextMessage,
  ToolCall,
} from "../../src"

/** A fresh user type per test, so registrations in the shared registry never collide. */
function userType(className: string): MessageClass {
  const Type = class extends ConcreteMessage {
    static override readonly fields = { note: field.string() }
  }
  Object.defineProperty(Type, "name", { value: className })
  return Type
}

let counter = 0
const uniqueName = (prefix: string) => `${prefix}${process.pid}x${++counter}`

describe("the message registry", () => {
  it("has every built-in type under its lower-cased name, ToolCall as the original's 'tool'", () => {
    expect(messageRegistry.names()).toEqual(
      expect.arrayContaining([
        "textmessage",
        "param",
        "tool",
        "plannedcomponents",
        "summary",
        "projectfile",
        "projectdirectory",
        "childnodesummary",
        "nodesummary",
        "nodeuuid",
        "rating",
      ]),
    )
    for (const type of BUILT_IN_MESSAGE_TYPES) {
      expect(messageRegistry.get(type.messageType)).toBe(type)
      expect(messageRegistry.nameOf(type)).toBe(type.messageType)
      expect(type.messageType).toBe(type === ToolCall ? "tool" : type.name.toLowerCase())
    }
  })

  it("looks names up in any case", () => {
    expect(messageRegistry.get("ProjectDirectory")).toBe(ProjectDirectory)
    expect(messageRegistry.get("TEXTMESSAGE")).toBe(TextMessage)
    expect(messageRegistry.get("Tool")).toBe(ToolCall)
    expect(messageRegistry.get("NodeUUID")).toBe(NodeUUID)
    expect(messageRegistry.has("nope")).toBe(false)
    expect(messageRegistry.get("toolcall")).toBeUndefined()
  })

  it("registers a user type with the @MessageType() decorator, under its lower-cased class name", () => {
    @MessageType()
    class CodeVerdict extends ConcreteMessage {
      static override readonly fields: MessageFields<CodeVerdict> = {
        accepted: field.boolean(),
      }
      accepted!: boolean
      constructor(init?: MessageData<CodeVerdict>) {
        super()
        this.assign(init)
      }
    }
    expect(messageRegistry.get("codeverdict")).toBe(CodeVerdict)
    expect(messageRegistry.get("CodeVerdict")).toBe(CodeVerdict)
    expect(CodeVerdict.messageType).toBe("codeverdict")
    expect(messageRegistry.nameOf(CodeVerdict)).toBe("codeverdict")
  })

  it("registers a user type with the decorator under an explicit name, lower-cased", () => {
    const name = uniqueName("Review")
    @MessageType(name)
    class ExplicitReview extends ConcreteMessage {
      static override readonly fields: MessageFields<ExplicitReview> = { text: field.string() }
      text!: string
    }
    expect(messageRegistry.get(name)).toBe(ExplicitReview)
    expect(ExplicitReview.messageType).toBe(name.toLowerCase())
  })

  it("registers with registerMessageType(Class, name?) and returns the key", () => {
    const first = userType(uniqueName("First"))
    expect(registerMessageType(first)).toBe(first.name.toLowerCase())
    const second = userType("Second")
    const name = uniqueName("SeCoNd")
    expect(registerMessageType(second, name)).toBe(name.toLowerCase())
    expect(messageRegistry.get(name.toUpperCase())).toBe(second)
    // Registering the same class under the same name again changes nothing.
    expect(registerMessageType(second, name)).toBe(name.toLowerCase())
  })

  it("rejects a name already taken by another class, in any case", () => {
    const taken = uniqueName("taken")
    registerMessageType(userType("A"), taken)
    const other = userType("B")
    expect(() => registerMessageType(other, taken.toUpperCase())).toThrow(ConcreteDbError)
    expect(() => registerMessageType(other, taken)).toThrow(
      `Message type "${taken}" is already registered for A`,
    )
    expect(() => registerMessageType(userType("TextMessage"))).toThrow(
      'Message type "textmessage" is already registered for TextMessage',
    )
    expect(messageRegistry.nameOf(other)).toBeUndefined()
  })

  it("rejects a second name for a registered class, and a name that disagrees with messageType", () => {
    const type = userType("Once")
    const name = uniqueName("once")
    registerMessageType(type, name)
    expect(() => registerMessageType(type, uniqueName("twice"))).toThrow(
      /Once declares messageType/,
    )
    expect(() => registerMessageType(ToolCall, "toolcall")).toThrow(
      'ToolCall declares messageType "tool" and cannot be registered as "toolcall"',
    )
  })

  it("rejects empty and over-long names and classes that are not messages", () => {
    expect(() => registerMessageType(userType("E"), " ")).toThrow("must be 1 to 64 characters")
    expect(() => registerMessageType(userType("L"), "x".repeat(65))).toThrow("1 to 64 characters")
    class NotAMessage {
      static readonly messageType = "notamessage"
      static readonly fields = {}
    }
    expect(() => registerMessageType(NotAMessage as never)).toThrow(
      "is not a class that extends ConcreteMessage",
    )
  })

  it("a registry of your own starts with the built-ins and is independent of the package's", () => {
    const own = new MessageRegistry()
    expect(own.names()).toEqual(BUILT_IN_MESSAGE_TYPES.map((type) => type.messageType))
    const local = userType("LocalOnly")
    own.register(local, uniqueName("local"))
    expect(messageRegistry.nameOf(local)).toBeUndefined()
    expect(new MessageRegistry([]).names()).toEqual([])
  })
})
