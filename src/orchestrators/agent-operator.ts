import type { ChatMessage, LlmClient } from "../clients/llm-client"
import type { ConcreteMessage, MessageClass } from "../messages/concrete-message"

/** What an `AgentOperator` is: who it is, how it behaves, and which model answers for it. */
export interface AgentOperatorOptions {
  /** The model that answers for the operator. */
  readonly client: LlmClient
  /** Unique within an orchestrator; stored as `Operator.name` (at most 64 characters). */
  readonly name: string
  /** Its role, e.g. "executive" or "developer"; stored as `Operator.title` (at most 32). */
  readonly title: string
  /** The system prompt of every query; stored as `Operator.instructions`. */
  readonly instructions: string
}

/** Options of one `AgentOperator.answer` call. */
export interface AnswerOptions {
  /** Cancels the request to the model. */
  readonly signal?: AbortSignal | undefined
}

/**
 * An AI operator (the agent, not the `Operator` entity that records it): answers a query through
 * an `LlmClient`, with its `instructions` as the system prompt, the query as the user message,
 * and a message class as the required shape of the answer. `Executive` and `Developer` are the
 * two a `SoftwareOrchestrator` runs.
 *
 * @example
 * const reviewer = new AgentOperator({
 *   client,
 *   name: "Reviewer",
 *   title: "reviewer",
 *   instructions: "You review code and list what is wrong with it.",
 * })
 * const notes = await reviewer.answer("Review: <h1>Hello</h1>", Summary)
 */
export class AgentOperator {
  readonly client: LlmClient
  readonly name: string
  readonly title: string
  readonly instructions: string

  constructor(options: AgentOperatorOptions) {
    for (const key of ["name", "title", "instructions"] as const) {
      const value: unknown = options[key]
      if (typeof value !== "string" || value.trim() === "") {
        throw new TypeError(`AgentOperator ${key} must be a non-empty string`)
      }
    }
    if (typeof options.client?.complete !== "function") {
      throw new TypeError("AgentOperator client must be an LlmClient (with a complete method)")
    }
    this.client = options.client
    this.name = options.name
    this.title = options.title
    this.instructions = options.instructions
  }

  /** The conversation sent to the model for `query`: the instructions, then the query. */
  chatMessages(query: string): ChatMessage[] {
    return [
      { role: "system", content: this.instructions },
      { role: "user", content: query },
    ]
  }

  /**
   * Asks the model for an answer of type `responseType` to `query`.
   *
   * @throws LlmClientError when the client cannot give such an answer.
   */
  answer<T extends ConcreteMessage>(
    query: string,
    responseType: MessageClass<T>,
    options: AnswerOptions = {},
  ): Promise<T> {
    return this.client.complete({
      messages: this.chatMessages(query),
      responseType,
      signal: options.signal,
    })
  }
}
