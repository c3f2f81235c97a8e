import fc from "fast-check"
import { Type } from "class-transformer"
import {
  ChildNodeSummary,
  ConcreteMessage,
  field,
  type MessageClass,
  type MessageData,
  type MessageFields,
  NodeSummary,
  Param,
  PlannedComponents,
  ProjectDirectory,
  ProjectFile,
  Rating,
  TextMessage,
  ToolCall,
  MessageDecodeError,
} from "../../src"
import { thrown } from "../support/thrown"
import { sampleCases } from "./samples"

function classOf(message: ConcreteMessage): MessageClass {
  return message.constructor as MessageClass
}

describe("ConcreteMessage", () => {
  it.each(sampleCases())(
    "%s: toContent() is the JSON of toJSON() and fromPlain() restores an equal instance",
    (_name, message) => {
      const type = classOf(message) as typeof TextMessage
      const content = message.toContent()
      expect(JSON.parse(content)).toEqual(message.toJSON())
      const restored = type.fromPlain(JSON.parse(content))
      expect(restored).toBeInstanceOf(type)
      expect(restored).toStrictEqual(message)
      expect(restored).not.toBe(message)
    },
  )

  it("restores nested messages as instances of their classes", () => {
    const directory = ProjectDirectory.fromPlain({
      projectName: "p",
      files: [{ fileName: "a.txt", fileContents: "A" }],
    })
    expect(directory.files[0]).toBeInstanceOf(ProjectFile)
    const call = ToolCall.fromPlain({
      toolName: "t",
      toolMethod: "m",
      toolParameters: [{ name: "n", value: "v" }],
    })
    expect(call.toolParameters[0]).toBeInstanceOf(Param)
    const node = NodeSummary.fromPlain({
      nodeName: "n",
      overallSummary: "o",
      childrenSummaries: [{ childName: "c", childSummary: "s" }],
    })
    expect(node.childrenSummaries[0]).toBeInstanceOf(ChildNodeSummary)
  })

  it("writes the declared fields in spec order and nothing else", () => {
    const file = new ProjectFile({ fileContents: "x", fileName: "a" })
    Object.assign(file, { stray: 1 })
    expect(file.toContent()).toBe('{"fileName":"a","fileContents":"x"}')
    const call = new ToolCall({
      toolMethod: "m",
      toolName: "t",
      toolParameters: [new Param({ value: "v", name: "n" })],
    })
    expect(call.toContent()).toBe(
      '{"toolName":"t","toolMethod":"m","toolParameters":[{"name":"n","value":"v"}]}',
    )
  })

  it("the constructor copies only declared fields", () => {
    const init = { text: "hi", extra: "no" } as unknown as MessageData<TextMessage>
    expect(Object.keys(new TextMessage(init))).toEqual(["text"])
  })

  it("writes an absent Rating reasoning as null and reads null back", () => {
    const rating = new Rating({ rating: 3 })
    expect(rating.reasoning).toBeNull()
    expect(rating.toContent()).toBe('{"rating":3,"reasoning":null}')
    expect(Rating.fromPlain({ rating: 3, reasoning: null })).toStrictEqual(rating)
    expect(new Rating({ rating: 1, reasoning: undefined }).reasoning).toBeNull()
  })

  it("lists every property that does not fit, with paths, and names the type", () => {
    const error = thrown(MessageDecodeError, () =>
      ProjectDirectory.fromPlain({
        files: [{ fileName: 1, fileContents: "x", mode: "755" }, "README"],
        owner: "me",
      }),
    )
    expect(error.messageType).toBe("projectdirectory")
    expect(error.messageId).toBeUndefined()
    expect(error.problems).toEqual([
      "ProjectDirectory.projectName is required",
      "ProjectDirectory.files[0].fileName must be a string, not a number",
      "ProjectDirectory.files[0].mode is not a field of ProjectFile",
      "ProjectDirectory.files[1] must be an object (ProjectFile), not a string",
      "ProjectDirectory.owner is not a field of ProjectDirectory",
    ])
    expect(error.message).toContain('Cannot decode a "projectdirectory" message')
    expect(error.message).toContain("ProjectDirectory.files[0].fileName must be a string")
  })

  it.each([
    ["a string", TextMessage, "hi", "TextMessage must be an object (TextMessage), not a string"],
    ["null", TextMessage, null, "TextMessage must be an object (TextMessage), not null"],
    ["an array", TextMessage, [], "TextMessage must be an object (TextMessage), not an array"],
    ["null text", TextMessage, { text: null }, "TextMessage.text must not be null"],
    ["a number list", PlannedComponents, { components: [1] }, "components[0] must be a string"],
    ["a string rating", Rating, { rating: "5", reasoning: null }, "rating must be a number"],
    ["a missing reasoning", Rating, { rating: 5 }, "Rating.reasoning is required"],
    ["a number reasoning", Rating, { rating: 5, reasoning: 5 }, "reasoning must be a string"],
  ] as const)("rejects %s", (_what, type: MessageClass, plain: unknown, problem: string) => {
    const error = thrown(MessageDecodeError, () => (type as typeof TextMessage).fromPlain(plain))
    expect(error.problems.join("\n")).toContain(problem)
  })

  it("stops listing problems after twenty", () => {
    const error = thrown(MessageDecodeError, () =>
      PlannedComponents.fromPlain({ components: Array(50).fill(0) }),
    )
    expect(error.problems).toHaveLength(21)
    expect(error.problems[20]).toBe("(further problems not listed)")
  })

  it("says so when a nested property lacks @Type, instead of returning plain objects", () => {
    class Shelf extends ConcreteMessage {
      static override readonly fields: MessageFields<Shelf> = {
        books: field.array(field.message(() => ProjectFile)),
      }
      books!: ProjectFile[]
    }
    const error = thrown(MessageDecodeError, () =>
      Shelf.fromPlain({
        books: [{ fileName: "a", fileContents: "b" }],
      }),
    )
    expect(error.problems).toEqual([
      "Shelf.books[0] was not restored as ProjectFile (is @Type(() => ProjectFile) missing on the property?)",
    ])
  })

  it("supports user types with nullable, integer, boolean and nested fields", () => {
    class Review extends ConcreteMessage {
      static override readonly fields: MessageFields<Review> = {
        accepted: field.boolean(),
        score: field.integer(),
        file: field.nullable(field.message(() => ProjectFile)),
        notes: field.nullable(field.array(field.string())),
      }
      accepted!: boolean
      score!: number
      @Type(() => ProjectFile)
      file!: ProjectFile | null
      notes!: string[] | null
      constructor(init?: MessageData<Review>) {
        super()
        this.assign(init)
      }
    }
    const review = new Review({
      accepted: true,
      score: 4,
      file: new ProjectFile({ fileName: "a", fileContents: "b" }),
      notes: null,
    })
    const restored = Review.fromPlain(JSON.parse(review.toContent()))
    expect(restored).toStrictEqual(review)
    expect(restored.file).toBeInstanceOf(ProjectFile)
    expect(Review.fromPlain({ accepted: false, score: 0, file: null, notes: ["x"] }).file).toBe(
      null,
    )
    const error = thrown(MessageDecodeError, () =>
      Review.fromPlain({ accepted: "yes", score: 1.5, file: 3, notes: null }),
    )
    expect(error.problems).toEqual([
      "Review.accepted must be true or false, not a string",
      "Review.score must be an integer, not a number",
      "Review.file must be an object (ProjectFile), not a number",
    ])
  })

  it("round-trips any project directory (property test)", () => {
    const file = fc.record({ fileName: fc.string(), fileContents: fc.string({ unit: "grapheme" }) })
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.array(file, { maxLength: 5 }),
        (name, files) => {
          const directory = new ProjectDirectory({
            projectName: name,
            files: files.map((f) => new ProjectFile(f)),
          })
          const restored = ProjectDirectory.fromPlain(JSON.parse(directory.toContent()))
          expect(restored).toStrictEqual(directory)
        },
      ),
    )
  })
})
