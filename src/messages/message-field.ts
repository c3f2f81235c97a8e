import type { ConcreteMessage, MessageClass } from "./concrete-message"

interface FieldBase {
  /** Shown to the model in the JSON schema. */
  readonly description?: string | undefined
  /** `null` is accepted (and `undefined` is written as `null`). Never means "may be missing". */
  readonly nullable?: boolean | undefined
}

/** A JSON string. */
export interface StringField extends FieldBase {
  readonly kind: "string"
}

/** A finite JSON number. */
export interface NumberField extends FieldBase {
  readonly kind: "number"
}

/** A JSON number without a fractional part. */
export interface IntegerField extends FieldBase {
  readonly kind: "integer"
}

/** `true` or `false`. */
export interface BooleanField extends FieldBase {
  readonly kind: "boolean"
}

/** A JSON array whose items are all `items`. */
export interface ArrayField extends FieldBase {
  readonly kind: "array"
  readonly items: MessageField
}

/** A nested message object, restored as an instance of `type()`. */
export interface NestedField extends FieldBase {
  readonly kind: "message"
  /** A thunk, so a class may refer to one declared later in the module graph. */
  readonly type: () => MessageClass
}

/** The shape of one property of a message: what JSON it holds and how it is described. */
export type MessageField =
  StringField | NumberField | IntegerField | BooleanField | ArrayField | NestedField

/** The data properties of a message class (its methods left out). */
export type MessageData<T extends ConcreteMessage> = {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  [K in keyof T as T[K] extends Function ? never : K]: T[K]
}

/**
 * A message class's field spec: exactly one entry per data property, in the order the properties
 * are written to JSON. The compiler rejects a missing or an extra entry.
 */
export type MessageFields<T extends ConcreteMessage = ConcreteMessage> = {
  readonly [K in keyof MessageData<T>]-?: MessageField
}

/**
 * Builders for a message class's `fields`. Every field is required in JSON; `nullable` lets it be
 * `null`.
 *
 * @example
 * class Answer extends ConcreteMessage {
 *   static override readonly fields: MessageFields<Answer> = {
 *     text: field.string("The answer"),
 *     sources: field.array(field.string(), "Where it comes from"),
 *     confidence: field.nullable(field.number("0 to 1, when known")),
 *   }
 *   text!: string
 *   sources!: string[]
 *   confidence!: number | null
 * }
 */
export const field = {
  string: (description?: string): StringField => ({ kind: "string", description }),
  number: (description?: string): NumberField => ({ kind: "number", description }),
  integer: (description?: string): IntegerField => ({ kind: "integer", description }),
  boolean: (description?: string): BooleanField => ({ kind: "boolean", description }),
  array: (items: MessageField, description?: string): ArrayField => ({
    kind: "array",
    items,
    description,
  }),
  message: (type: () => MessageClass, description?: string): NestedField => ({
    kind: "message",
    type,
    description,
  }),
  nullable: <F extends MessageField>(inner: F): F => ({ ...inner, nullable: true }),
} as const
