import type { DataSource } from "typeorm"
import type { ChatMessage, LlmClient } from "../clients/llm-client"
import { getDataSource } from "../create-data-source"
import { MessageStatus } from "../entities/message.entity"
import { ValidationError } from "../errors"
import type { ConcreteMessage, MessageClass } from "../messages/concrete-message"
import { TextMessage } from "../messages/text-message"
import {
  type DirectMessageTarget,
  findDirectMessageTarget,
  recordMessage,
} from "./conversation-recorder"

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
  /**
   * Store what `chat()` is asked and answers in the operator's direct-message project. Default
   * false: no database is touched. Needs `operatorId`, unless a `SoftwareOrchestrator` with
   * `saveMessages` made the operator (it finds or creates the stored operator itself).
   */
  readonly saveMessages?: boolean | undefined
  /** Where `chat()` stores (with `saveMessages`); it must be migrated. Default `getDataSource()`. */
  readonly dataSource?: DataSource | Promise<DataSource> | undefined
  /** The id of the stored `Operator` this agent is (`Operator.toObj()` sets it). */
  readonly operatorId?: string | undefined
  /**
   * The id of that operator's direct-message project (`Operator.toObj()` sets it when the
   * operator's `directMessageProject` is loaded); found from `operatorId` when not given.
   */
  readonly projectId?: string | undefined
}

/** Finds where an agent's direct messages go; see `locateDirectMessagesWith`. */
export type DirectMessageLocator = () => Promise<DirectMessageTarget>

// Agents whose stored operator someone else knows how to find (a SoftwareOrchestrator's own).
const locators = new WeakMap<AgentOperator, DirectMessageLocator>()

/**
 * Lets `agent.chat()` find its stored operator through `locate` when it has no `operatorId`:
 * what a `SoftwareOrchestrator` with `saveMessages` does for its operators. Not exported from
 * the package.
 */
export function locateDirectMessagesWith(agent: AgentOperator, locate: DirectMessageLocator): void {
  locators.set(agent, locate)
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
  /** Whether `chat()` stores its conversation (see `AgentOperatorOptions.saveMessages`). */
  readonly saveMessages: boolean
  /** The id of the stored `Operator` this agent is, when known. */
  readonly operatorId: string | undefined
  /** The id of its direct-message project, when known. */
  readonly projectId: string | undefined
  readonly #dataSource: DataSource | Promise<DataSource> | undefined

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
    this.saveMessages = options.saveMessages ?? false
    this.operatorId = options.operatorId
    this.projectId = options.projectId
    this.#dataSource = options.dataSource
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

  /**
   * Asks the operator directly and returns its answer as a `TextMessage`. With `saveMessages`,
   * the question (a `TextMessage` from the user owning the operator's orchestrator, status
   * "working") and the answer (from the operator, status "finished") are stored in the
   * operator's direct-message project with `prompt` as their prompt, each committed in a
   * transaction of its own as it arrives; no session is open while the model answers. When the
   * model fails, the question stays stored and the error propagates.
   *
   * @throws ValidationError for an empty prompt, or when saving needs an `operatorId` it lacks;
   * NotFoundError when the stored operator or its direct-message project does not exist;
   * LlmClientError when the model cannot answer.
   *
   * @example
   * const developer = operatorRow.toObj({ client })
   * const reply = await developer.chat("Which files did you write?")
   * reply.text
   */
  async chat(prompt: string, options: AnswerOptions = {}): Promise<TextMessage> {
    if (typeof prompt !== "string" || prompt.trim() === "") {
      throw new ValidationError([{ property: "prompt", reasons: ["must not be empty"] }])
    }
    if (!this.saveMessages) return this.answer(prompt, TextMessage, options)
    const dataSource = () => this.#dataSource ?? getDataSource()
    const target = await this.directMessageTarget(dataSource)
    const where = { projectId: target.projectId, prompt }
    const question = new TextMessage({ text: prompt })
    await recordMessage(
      dataSource,
      where,
      question,
      { userId: target.userId },
      MessageStatus.Working,
    )
    const reply = await this.answer(prompt, TextMessage, options)
    await recordMessage(
      dataSource,
      where,
      reply,
      { operatorId: target.operatorId },
      MessageStatus.Finished,
    )
    return reply
  }

  private directMessageTarget(
    dataSource: () => DataSource | Promise<DataSource>,
  ): Promise<DirectMessageTarget> {
    if (this.operatorId !== undefined) {
      return findDirectMessageTarget(dataSource(), this.operatorId, this.projectId)
    }
    const locate = locators.get(this)
    if (locate) return locate()
    return Promise.reject(
      new ValidationError([
        {
          property: "AgentOperator.operatorId",
          reasons: [
            `${this.name} saves its messages but has no operatorId: make it with Operator.toObj() or pass operatorId`,
          ],
        },
      ]),
    )
  }
}
