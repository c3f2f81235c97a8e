import { Message, MESSAGE_STATUSES, MessageStatus } from "../entities/message.entity"
import { ValidationError, type ValidationIssue } from "../errors"
import type { ConcreteMessage, MessageClass } from "./concrete-message"
import { messageShapeProblems } from "./message-codec"
import { messageRegistry, type MessageRegistry } from "./message-registry"

/** Who sent a message: exactly one of a user or an operator. */
export type MessageSender =
  | { readonly userId: string; readonly operatorId?: null }
  | { readonly operatorId: string; readonly userId?: null }

/** Where a new message row belongs, who sent it, and its prompt and status. */
export type MessageFromObjOptions = MessageSender & {
  readonly projectId: string
  /** The prompt the message belongs to (the project's starting prompt). */
  readonly prompt?: string | null
  /** Default `init`. */
  readonly status?: MessageStatus
  /** Default: the package's registry. */
  readonly registry?: MessageRegistry
}

/**
 * A new (unsaved) `Message` row holding `obj`: its registered type name, its JSON content, the
 * project, sender, prompt and status. The opposite of `Message.toObj()`.
 *
 * @throws ValidationError when the class is not registered, the instance does not fit its fields,
 * or the sender is not exactly one of `userId` and `operatorId`.
 *
 * @example
 * const row = messageFromObj(new PlannedComponents({ components: ["index.html"] }), {
 *   projectId: project.id,
 *   operatorId: executive.id,
 *   prompt: "Build a hello world page",
 * })
 * session.add(row)
 * await session.commit()
 */
export function messageFromObj(obj: ConcreteMessage, options: MessageFromObjOptions): Message {
  const registry = options.registry ?? messageRegistry
  const type = obj.constructor as MessageClass
  const issues: ValidationIssue[] = []
  const name = registry.nameOf(type)
  if (name === undefined) {
    issues.push({
      property: "Message.type",
      reasons: [`${type.name} is not a registered message type (use @MessageType())`],
    })
  }
  const plain = obj.toJSON()
  for (const problem of messageShapeProblems(type, plain)) {
    issues.push({ property: problem.path, reasons: [problem.reason] })
  }
  const userId = options.userId ?? null
  const operatorId = options.operatorId ?? null
  if ((userId === null) === (operatorId === null)) {
    issues.push({
      property: "Message.userId",
      reasons: ["exactly one of userId and operatorId must be set"],
    })
  }
  if (typeof options.projectId !== "string" || options.projectId === "") {
    issues.push({ property: "Message.projectId", reasons: ["is required"] })
  }
  const status = options.status ?? MessageStatus.Init
  if (!MESSAGE_STATUSES.includes(status)) {
    issues.push({
      property: "Message.status",
      reasons: [`must be one of ${MESSAGE_STATUSES.join(", ")}`],
    })
  }
  if (issues.length > 0) throw new ValidationError(issues)

  const message = new Message()
  message.type = name as string
  message.content = JSON.stringify(plain)
  message.projectId = options.projectId
  message.userId = userId
  message.operatorId = operatorId
  message.prompt = options.prompt ?? null
  message.status = status
  return message
}
