import { type MessageField } from "./message-field"
import { messageFromPlain, messageToPlain } from "./message-codec"
import { messageJsonSchema, type JsonSchema } from "./message-json-schema"

/**
 * A concrete (non-abstract) message class: what the registry stores, what an LLM client is asked
 * to answer with, and what `Message.toObj()` returns an instance of.
 */
export interface MessageClass<T extends ConcreteMessage = ConcreteMessage> {
  new (...args: never[]): T
  readonly name: string
  /** The registry key; set by the class itself or by its registration. */
  readonly messageType: string
  /** One entry per data property, in JSON order. */
  readonly fields: Readonly<Record<string, MessageField>>
}

/**
 * The base of every message passed between operators: a plain data class whose `fields` spec
 * gives its JSON shape. An instance becomes the JSON text stored in `Message.content` with
 * `toContent()`; `jsonSchema()` is the strict schema an LLM answers with; `fromPlain()` checks a
 * parsed JSON value against the spec and restores it as an instance, nested classes included.
 *
 * A subclass declares `static override readonly fields` (checked by the compiler against its
 * properties), marks nested message properties with class-transformer's `@Type(() => Nested)`,
 * assigns its fields in its constructor with `this.assign(init)`, and joins the registry with
 * `@MessageType()`.
 *
 * @example
 * @MessageType()
 * class Verdict extends ConcreteMessage {
 *   static override readonly fields: MessageFields<Verdict> = {
 *     accepted: field.boolean("Whether the code is accepted"),
 *     notes: field.array(field.string(), "One note per problem"),
 *   }
 *   accepted!: boolean
 *   notes!: string[]
 *   constructor(init?: MessageData<Verdict>) {
 *     super()
 *     this.assign(init)
 *   }
 * }
 *
 * new Verdict({ accepted: true, notes: [] }).toContent() // '{"accepted":true,"notes":[]}'
 * Verdict.fromPlain({ accepted: false, notes: ["no tests"] }) // a Verdict
 */
export abstract class ConcreteMessage {
  /** The registry key (lower case): "textmessage", "tool", … */
  declare static readonly messageType: string

  /** The JSON shape of the class; every subclass overrides it. */
  static readonly fields: Readonly<Record<string, MessageField>> = {}

  /**
   * The strict JSON schema of this class for structured output: every property required,
   * `additionalProperties: false`, nested message classes inlined.
   */
  static jsonSchema(this: MessageClass): JsonSchema {
    return messageJsonSchema(this)
  }

  /**
   * Checks `plain` (a parsed JSON value) against this class's fields and returns it as an
   * instance, nested message classes restored.
   *
   * @throws MessageDecodeError listing every property that does not fit.
   */
  static fromPlain<T extends ConcreteMessage>(this: MessageClass<T>, plain: unknown): T {
    return messageFromPlain(this, plain)
  }

  /** Copies the declared fields (and only those) from `init`; for subclass constructors. */
  protected assign(init?: object): void {
    if (init === undefined) return
    const fields = (this.constructor as MessageClass).fields
    const source = init as Record<string, unknown>
    const target = this as unknown as Record<string, unknown>
    for (const key of Object.keys(fields)) {
      if (Object.prototype.hasOwnProperty.call(source, key)) target[key] = source[key]
    }
  }

  /** The message as a plain JSON value: its declared fields in spec order, nested ones too. */
  toJSON(): Record<string, unknown> {
    return messageToPlain(this)
  }

  /** The JSON text stored in `Message.content` and sent to a model. */
  toContent(): string {
    return JSON.stringify(this.toJSON())
  }
}
