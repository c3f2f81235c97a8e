import { ConcreteDbError } from "../errors"
import type { MessageClass } from "./concrete-message"
import type { MessageField } from "./message-field"

/** The subset of JSON Schema that message classes produce (what strict structured output accepts). */
export interface JsonSchema {
  readonly type?: string | readonly string[]
  readonly description?: string
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly additionalProperties?: boolean
  readonly items?: JsonSchema
  readonly anyOf?: readonly JsonSchema[]
}

function withDescription(schema: JsonSchema, description: string | undefined): JsonSchema {
  return description === undefined ? schema : { ...schema, description }
}

function fieldSchema(spec: MessageField, stack: readonly MessageClass[]): JsonSchema {
  if (spec.kind === "message") {
    const nested = objectSchema(spec.type(), stack)
    return spec.nullable
      ? withDescription({ anyOf: [nested, { type: "null" }] }, spec.description)
      : withDescription(nested, spec.description)
  }
  const type = spec.nullable ? [spec.kind, "null"] : spec.kind
  const schema: JsonSchema =
    spec.kind === "array" ? { type, items: fieldSchema(spec.items, stack) } : { type }
  return withDescription(schema, spec.description)
}

function objectSchema(type: MessageClass, stack: readonly MessageClass[]): JsonSchema {
  if (stack.includes(type)) {
    const cycle = [...stack, type].map((entry) => entry.name).join(" → ")
    throw new ConcreteDbError(`A message type cannot contain itself in a JSON schema: ${cycle}`)
  }
  const inner = [...stack, type]
  const properties: Record<string, JsonSchema> = {}
  for (const [key, spec] of Object.entries(type.fields)) properties[key] = fieldSchema(spec, inner)
  return {
    type: "object",
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  }
}

/**
 * The strict JSON schema of a message class, as OpenAI-style structured output wants it: an
 * object with every property required and no others, nullable fields typed `[kind, "null"]`,
 * nested message classes inlined.
 *
 * @example
 * messageJsonSchema(TextMessage)
 * // { type: "object", properties: { text: { type: "string", description: "The text" } },
 * //   required: ["text"], additionalProperties: false }
 */
export function messageJsonSchema(type: MessageClass): JsonSchema {
  return objectSchema(type, [])
}
