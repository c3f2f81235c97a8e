import {
  ConcreteDbError,
  ConcreteMessage,
  field,
  type MessageFields,
  messageJsonSchema,
  ProjectDirectory,
  ProjectFile,
  Rating,
  type TextMessage,
  ToolCall,
} from "../../src"
import { objectSchemas, sampleCases, schemaViolations } from "./samples"

const samples = sampleCases()

describe("message JSON schemas", () => {
  it("ProjectDirectory: nested ProjectFile inlined, every property required, nothing else allowed", () => {
    expect(ProjectDirectory.jsonSchema()).toEqual({
      type: "object",
      properties: {
        projectName: { type: "string", description: "Name of the project directory" },
        files: {
          type: "array",
          description: "The files of the project; each item is one file",
          items: {
            type: "object",
            properties: {
              fileName: { type: "string", description: "A file path relative to the project root" },
              fileContents: { type: "string", description: "The contents of the file" },
            },
            required: ["fileName", "fileContents"],
            additionalProperties: false,
          },
        },
      },
      required: ["projectName", "files"],
      additionalProperties: false,
    })
  })

  it("Rating: the optional reasoning is required but nullable", () => {
    expect(Rating.jsonSchema()).toEqual({
      type: "object",
      properties: {
        rating: { type: "number", description: "The score" },
        reasoning: { type: ["string", "null"], description: "Why the score was given, or null" },
      },
      required: ["rating", "reasoning"],
      additionalProperties: false,
    })
  })

  it("ToolCall: the same schema from the static method and the function", () => {
    expect(ToolCall.jsonSchema()).toEqual(messageJsonSchema(ToolCall))
    expect(Object.keys(ToolCall.jsonSchema().properties!)).toEqual([
      "toolName",
      "toolMethod",
      "toolParameters",
    ])
  })

  it.each(samples)(
    "%s: strict, with the instance's exact keys, and the instance fits it",
    (_name, message) => {
      const schema = (message.constructor as typeof TextMessage).jsonSchema()
      for (const object of objectSchemas(schema)) {
        expect(object.additionalProperties).toBe(false)
        expect(object.required).toEqual(Object.keys(object.properties!))
      }
      const plain = message.toJSON()
      expect(Object.keys(plain)).toEqual(schema.required)
      expect(schemaViolations(schema, plain)).toEqual([])
    },
  )

  it.each(samples)(
    "%s: the schema and fromPlain() reject the same broken instances",
    (_name, message) => {
      const type = message.constructor as typeof TextMessage
      const schema = type.jsonSchema()
      const plain = message.toJSON()
      const broken: unknown[] = [{ ...plain, extra: "x" }]
      for (const key of Object.keys(plain)) {
        const { [key]: _removed, ...without } = plain
        broken.push(without, { ...plain, [key]: { wrong: true } })
      }
      for (const value of broken) {
        expect(schemaViolations(schema, value)).not.toEqual([])
        expect(() => type.fromPlain(value)).toThrow()
      }
    },
  )

  it("a nullable nested message is anyOf the object and null", () => {
    class Pick extends ConcreteMessage {
      static override readonly fields: MessageFields<Pick> = {
        file: field.nullable(field.message(() => ProjectFile, "The chosen file, if any")),
        count: field.integer(),
        done: field.boolean(),
      }
      file!: ProjectFile | null
      count!: number
      done!: boolean
    }
    const schema = messageJsonSchema(Pick)
    expect(schema.properties!.file).toEqual({
      anyOf: [ProjectFile.jsonSchema(), { type: "null" }],
      description: "The chosen file, if any",
    })
    expect(schema.properties!.count).toEqual({ type: "integer" })
    expect(schema.properties!.done).toEqual({ type: "boolean" })
  })

  it("refuses a type that contains itself, naming the cycle", () => {
    class Tree extends ConcreteMessage {
      static override readonly fields: MessageFields<Tree> = {
        children: field.array(field.message(() => Tree)),
      }
      children!: Tree[]
    }
    expect(() => messageJsonSchema(Tree)).toThrow(ConcreteDbError)
    expect(() => messageJsonSchema(Tree)).toThrow("Tree → Tree")
  })
})
