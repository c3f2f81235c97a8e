import { ConcreteDbError } from "../errors"
import { ChildNodeSummary } from "./child-node-summary"
import { ConcreteMessage, type MessageClass } from "./concrete-message"
import { NodeSummary } from "./node-summary"
import { NodeUUID } from "./node-uuid"
import { Param } from "./param"
import { PlannedComponents } from "./planned-components"
import { ProjectDirectory } from "./project-directory"
import { ProjectFile } from "./project-file"
import { Rating } from "./rating"
import { Summary } from "./summary"
import { TextMessage } from "./text-message"
import { ToolCall } from "./tool-call"

/** The longest type name `Message.type` can hold. */
export const MESSAGE_TYPE_MAX_LENGTH = 64

/** The message classes every registry starts with. */
export const BUILT_IN_MESSAGE_TYPES: readonly MessageClass[] = [
  TextMessage,
  Param,
  ToolCall,
  PlannedComponents,
  Summary,
  ProjectFile,
  ProjectDirectory,
  ChildNodeSummary,
  NodeSummary,
  NodeUUID,
  Rating,
]

function ownMessageType(type: MessageClass): string | undefined {
  return Object.prototype.hasOwnProperty.call(type, "messageType") ? type.messageType : undefined
}

/**
 * Message classes by type name: the lower-cased name is the key, so lookups ignore case. The
 * package's `messageRegistry` is the one `Message.toObj()` and `messageFromObj()` use; a registry
 * of your own starts with the built-in types too.
 *
 * @example
 * const registry = new MessageRegistry()
 * registry.get("ProjectDirectory") // ProjectDirectory
 * registry.nameOf(ToolCall) // "tool"
 */
export class MessageRegistry {
  readonly #byName = new Map<string, MessageClass>()
  readonly #byClass = new Map<MessageClass, string>()

  constructor(types: readonly MessageClass[] = BUILT_IN_MESSAGE_TYPES) {
    for (const type of types) this.register(type)
  }

  /**
   * Adds `type` under `name` (default: the class's own `messageType`, else its lower-cased class
   * name) and returns the key. Registering the same class under the same name again does nothing.
   *
   * @throws ConcreteDbError when the name is taken by another class, the class already has
   * another `messageType` (its own, or from an earlier registration), the name is empty or longer
   * than 64 characters, or `type` is not a ConcreteMessage class.
   */
  register(type: MessageClass, name?: string): string {
    if (typeof type !== "function" || !(type.prototype instanceof ConcreteMessage)) {
      throw new ConcreteDbError(`${String(type)} is not a class that extends ConcreteMessage`)
    }
    const own = ownMessageType(type)
    const key = (name ?? own ?? type.name).trim().toLowerCase()
    if (key === "" || key.length > MESSAGE_TYPE_MAX_LENGTH) {
      throw new ConcreteDbError(
        `Message type name "${key}" of ${type.name} must be 1 to ${MESSAGE_TYPE_MAX_LENGTH} characters`,
      )
    }
    if (own !== undefined && own.toLowerCase() !== key) {
      throw new ConcreteDbError(
        `${type.name} declares messageType "${own}" and cannot be registered as "${key}"`,
      )
    }
    const taken = this.#byName.get(key)
    if (taken !== undefined && taken !== type) {
      throw new ConcreteDbError(
        `Message type "${key}" is already registered for ${taken.name}; ${type.name} needs another name`,
      )
    }
    // The class keeps its key for good: it cannot later be registered under another name.
    if (own === undefined) {
      Object.defineProperty(type, "messageType", { value: key, enumerable: true })
    }
    this.#byName.set(key, type)
    this.#byClass.set(type, key)
    return key
  }

  /** The class registered under `name` (any case), or undefined. */
  get(name: string): MessageClass | undefined {
    return this.#byName.get(name.trim().toLowerCase())
  }

  /** Whether a class is registered under `name` (any case). */
  has(name: string): boolean {
    return this.get(name) !== undefined
  }

  /** The key `type` is registered under, or undefined. */
  nameOf(type: MessageClass): string | undefined {
    return this.#byClass.get(type)
  }

  /** Every registered key, in registration order. */
  names(): string[] {
    return [...this.#byName.keys()]
  }
}

/** The registry `Message.toObj()` and `messageFromObj()` use, built-in types registered. */
export const messageRegistry = new MessageRegistry()

/**
 * Adds a message class to the package's registry (see `MessageRegistry.register`) and returns
 * its key.
 *
 * @example
 * class Verdict extends ConcreteMessage { ... }
 * registerMessageType(Verdict) // "verdict"
 * registerMessageType(Other, "review") // "review"
 */
export function registerMessageType(type: MessageClass, name?: string): string {
  return messageRegistry.register(type, name)
}

/**
 * Class decorator: registers the class in the package's registry, under `name` or its
 * lower-cased class name.
 *
 * @example
 * @MessageType()
 * class Verdict extends ConcreteMessage { ... } // key "verdict"
 *
 * @MessageType("review")
 * class CodeReview extends ConcreteMessage { ... } // key "review"
 */
export function MessageType(name?: string): (type: MessageClass) => void {
  return (type) => {
    registerMessageType(type, name)
  }
}
