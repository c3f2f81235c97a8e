import { plainToInstance, type ClassConstructor } from "class-transformer"
import { MessageDecodeError } from "../errors"
import type { ConcreteMessage, MessageClass } from "./concrete-message"
import type { MessageField } from "./message-field"

/** One property of a plain value that does not fit its message class, and why. */
export interface ShapeProblem {
  /** `Class.property` path, e.g. `ProjectDirectory.files[0].fileName`. */
  readonly path: string
  readonly reason: string
}

/** Reporting stops after this many problems (a long array of bad items is one mistake). */
const MAX_PROBLEMS = 20

type PlainObject = Record<string, unknown>

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  return typeof value === "object" ? "an object" : `a ${typeof value}`
}

class ShapeCheck {
  readonly problems: ShapeProblem[] = []
  truncated = false

  add(path: string, reason: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ path, reason })
    else this.truncated = true
  }

  object(type: MessageClass, value: unknown, path: string): void {
    if (!isPlainObject(value)) {
      this.add(path, `must be an object (${type.name}), not ${describe(value)}`)
      return
    }
    const fields = type.fields
    for (const [key, spec] of Object.entries(fields)) {
      const at = `${path}.${key}`
      if (!Object.prototype.hasOwnProperty.call(value, key)) this.add(at, "is required")
      else this.value(spec, value[key], at)
    }
    for (const key of Object.keys(value)) {
      if (!Object.prototype.hasOwnProperty.call(fields, key)) {
        this.add(`${path}.${key}`, `is not a field of ${type.name}`)
      }
    }
  }

  value(spec: MessageField, value: unknown, path: string): void {
    if (value === null) {
      if (!spec.nullable) this.add(path, "must not be null")
      return
    }
    switch (spec.kind) {
      case "string":
        if (typeof value !== "string") this.add(path, `must be a string, not ${describe(value)}`)
        return
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value))
          this.add(path, `must be a number, not ${describe(value)}`)
        return
      case "integer":
        if (typeof value !== "number" || !Number.isInteger(value))
          this.add(path, `must be an integer, not ${describe(value)}`)
        return
      case "boolean":
        if (typeof value !== "boolean")
          this.add(path, `must be true or false, not ${describe(value)}`)
        return
      case "array":
        if (!Array.isArray(value)) {
          this.add(path, `must be an array, not ${describe(value)}`)
          return
        }
        value.forEach((item, index) => this.value(spec.items, item, `${path}[${index}]`))
        return
      case "message":
        this.object(spec.type(), value, path)
        return
    }
  }

  /** After plainToInstance: every nested message value is an instance of its class. */
  restored(type: MessageClass, instance: object, path: string): void {
    const record = instance as PlainObject
    for (const [key, spec] of Object.entries(type.fields)) {
      this.restoredValue(spec, record[key], `${path}.${key}`)
    }
  }

  restoredValue(spec: MessageField, value: unknown, path: string): void {
    if (value === null || value === undefined) return
    if (spec.kind === "array" && Array.isArray(value)) {
      value.forEach((item, index) => this.restoredValue(spec.items, item, `${path}[${index}]`))
    } else if (spec.kind === "message") {
      const nested = spec.type()
      if (!(value instanceof nested)) {
        this.add(
          path,
          `was not restored as ${nested.name} (is @Type(() => ${nested.name}) missing on the property?)`,
        )
      } else {
        this.restored(nested, value, path)
      }
    }
  }

  /** `Path reason` lines, with a last line when some were left out. */
  lines(): string[] {
    const lines = this.problems.map((problem) => `${problem.path} ${problem.reason}`)
    if (this.truncated) lines.push("(further problems not listed)")
    return lines
  }
}

/**
 * Every way `plain` does not fit `type` (at most 20), empty when it fits.
 *
 * @example
 * messageShapeProblems(TextMessage, { text: 1 })
 * // [{ path: "TextMessage.text", reason: "must be a string, not a number" }]
 */
export function messageShapeProblems(type: MessageClass, plain: unknown): ShapeProblem[] {
  const check = new ShapeCheck()
  check.object(type, plain, type.name)
  return check.problems
}

function typeName(type: MessageClass): string {
  return Object.prototype.hasOwnProperty.call(type, "messageType")
    ? type.messageType
    : type.name.toLowerCase()
}

/**
 * Checks `plain` against `type`'s fields and turns it into an instance with class-transformer,
 * nested message classes restored.
 *
 * @throws MessageDecodeError listing every property that does not fit.
 *
 * @example
 * messageFromPlain(ProjectDirectory, JSON.parse(content)).files[0] // a ProjectFile
 */
export function messageFromPlain<T extends ConcreteMessage>(
  type: MessageClass<T>,
  plain: unknown,
): T {
  const check = new ShapeCheck()
  check.object(type, plain, type.name)
  if (check.problems.length > 0) {
    throw new MessageDecodeError({ messageType: typeName(type), problems: check.lines() })
  }
  const instance = plainToInstance(type as unknown as ClassConstructor<T>, plain as PlainObject)
  check.restored(type, instance, type.name)
  if (check.problems.length > 0) {
    throw new MessageDecodeError({ messageType: typeName(type), problems: check.lines() })
  }
  return instance
}

function encodeValue(spec: MessageField, value: unknown): unknown {
  if (value === undefined || value === null) return spec.nullable ? null : value
  if (spec.kind === "array" && Array.isArray(value)) {
    return value.map((item: unknown) => encodeValue(spec.items, item))
  }
  if (spec.kind === "message" && typeof value === "object") {
    const nested = value as { toJSON?: unknown }
    if (typeof nested.toJSON === "function") return (nested.toJSON as () => unknown).call(value)
    return encodeObject(spec.type(), value as PlainObject)
  }
  return value
}

function encodeObject(type: MessageClass, value: PlainObject): Record<string, unknown> {
  const plain: Record<string, unknown> = {}
  for (const [key, spec] of Object.entries(type.fields)) {
    const encoded = encodeValue(spec, value[key])
    if (encoded !== undefined) plain[key] = encoded
  }
  return plain
}

/**
 * A message as a plain JSON value: its declared fields in spec order (others left out), nested
 * messages encoded the same way, an unset nullable field as `null`.
 *
 * @example
 * messageToPlain(new Rating({ rating: 3 })) // { rating: 3, reasoning: null }
 */
export function messageToPlain(message: ConcreteMessage): Record<string, unknown> {
  return encodeObject(message.constructor as MessageClass, message as unknown as PlainObject)
}
