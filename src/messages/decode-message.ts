import { MessageDecodeError } from "../errors"
import type { ConcreteMessage } from "./concrete-message"
import { messageFromPlain } from "./message-codec"
import { messageRegistry, type MessageRegistry } from "./message-registry"

/** What decoding needs of a stored message row. */
export interface StoredMessage {
  readonly id: string
  readonly type: string
  readonly content: string
}

/**
 * Turns a stored message row back into an instance of its registered class, nested message
 * classes restored. `Message.toObj()` is this with the package's registry.
 *
 * @throws MessageDecodeError naming the row's id and type when the type is not registered, the
 * content is not JSON, or the JSON does not fit the class.
 *
 * @example
 * const message = decodeMessage({ id, type: "textmessage", content: '{"text":"hi"}' })
 * message instanceof TextMessage // true
 */
export function decodeMessage(
  row: StoredMessage,
  registry: MessageRegistry = messageRegistry,
): ConcreteMessage {
  const fail = (problem: string, cause?: unknown): never => {
    throw new MessageDecodeError(
      { messageId: row.id, messageType: row.type, problems: [problem] },
      cause === undefined ? undefined : { cause },
    )
  }
  const type = typeof row.type === "string" ? registry.get(row.type) : undefined
  if (type === undefined) {
    return fail(
      `"${row.type}" is not a registered message type (known: ${registry.names().join(", ")})`,
    )
  }
  if (typeof row.content !== "string") return fail("the content was not loaded")
  let plain: unknown
  try {
    plain = JSON.parse(row.content)
  } catch (error) {
    return fail(`the content is not valid JSON (${(error as Error).message})`, error)
  }
  try {
    return messageFromPlain(type, plain)
  } catch (error) {
    if (!(error instanceof MessageDecodeError)) throw error
    throw new MessageDecodeError(
      { messageId: row.id, messageType: row.type, problems: error.problems },
      { cause: error },
    )
  }
}
