import type { ConcreteMessage, MessageClass } from "../messages/concrete-message"

/** Who says a chat message. */
export type ChatRole = "system" | "user" | "assistant"

/** One message of a chat conversation sent to a model. */
export interface ChatMessage {
  readonly role: ChatRole
  readonly content: string
}

/** A request for one structured answer of type `T`. */
export interface CompletionRequest<T extends ConcreteMessage = ConcreteMessage> {
  /** The conversation: usually the operator's instructions (system), then the query (user). */
  readonly messages: readonly ChatMessage[]
  /** The message class the answer must be; its `jsonSchema()` is sent as structured output. */
  readonly responseType: MessageClass<T>
  /** Cancels the request (an `LlmClientError` with reason "aborted"). */
  readonly signal?: AbortSignal | undefined
}

/**
 * A language model behind one method: given a conversation and a message class, answer with an
 * instance of that class. `ScriptedClient` replays canned answers; `OpenAICompatibleClient`
 * asks a chat-completions API with structured output.
 *
 * @example
 * const plan = await client.complete({
 *   messages: [
 *     { role: "system", content: executive.instructions },
 *     { role: "user", content: "Build a hello world page" },
 *   ],
 *   responseType: PlannedComponents,
 * })
 * plan.components // string[]
 */
export interface LlmClient {
  /**
   * Resolves to an instance of `request.responseType` (nested classes restored, shape checked).
   *
   * @throws LlmClientError when no such answer can be had (reason says why).
   */
  complete<T extends ConcreteMessage>(request: CompletionRequest<T>): Promise<T>
}
