import { LlmClientError, MessageDecodeError } from "../errors"
import { ConcreteMessage } from "../messages/concrete-message"
import { messageFromPlain } from "../messages/message-codec"
import type { CompletionRequest, LlmClient } from "./llm-client"

/** One canned answer: a message instance, or a plain object shaped like the requested type. */
export type ScriptedAnswer = ConcreteMessage | Readonly<Record<string, unknown>>

/**
 * Answers computed from the request (`index` counts requests from 0); `undefined` means the
 * script has run out.
 */
export type ScriptFunction = (
  request: CompletionRequest,
  index: number,
) => ScriptedAnswer | undefined | Promise<ScriptedAnswer | undefined>

/**
 * An `LlmClient` that replays a script instead of asking a model: a list of answers, one per
 * request in order, or a function of the request. Deterministic, for tests and the demo. Every
 * answer is checked against the requested type and returned as a fresh instance of it, so a
 * script cannot hand out an answer of the wrong shape (or share an instance between calls).
 * `requests` keeps every request received.
 *
 * @example
 * const client = new ScriptedClient([
 *   new PlannedComponents({ components: ["index.html"] }),
 *   { projectName: "hello", files: [{ fileName: "index.html", fileContents: "<h1>Hi</h1>" }] },
 * ])
 * await client.complete({ messages, responseType: PlannedComponents }) // the plan
 * await client.complete({ messages, responseType: ProjectDirectory }) // a ProjectDirectory
 * await client.complete({ messages, responseType: Summary }) // LlmClientError: script ran out
 */
export class ScriptedClient implements LlmClient {
  /** Every request received, in order (including ones that failed). */
  readonly requests: CompletionRequest[] = []
  readonly #answers: ScriptedAnswer[] | undefined
  readonly #script: ScriptFunction | undefined
  readonly #length: number | undefined

  constructor(script: readonly ScriptedAnswer[] | ScriptFunction) {
    if (typeof script === "function") {
      this.#script = script
    } else {
      this.#answers = [...script]
      this.#length = script.length
    }
  }

  /** Answers left in a list script; undefined for a function script. */
  get remaining(): number | undefined {
    return this.#answers?.length
  }

  async complete<T extends ConcreteMessage>(request: CompletionRequest<T>): Promise<T> {
    const index = this.requests.length
    this.requests.push(request)
    const wanted = request.responseType
    const label = `ScriptedClient request ${index + 1} (a ${wanted.name})`
    if (request.signal?.aborted) {
      throw new LlmClientError(`${label} was aborted`, { reason: "aborted" })
    }
    const answer = this.#answers ? this.#answers.shift() : await this.#script?.(request, index)
    if (answer === undefined) {
      const count = this.#length
      const had =
        count === undefined ? "" : `: the script had ${count} answer${count === 1 ? "" : "s"}`
      throw new LlmClientError(`${label} has no answer left${had}`, {
        reason: "script-exhausted",
      })
    }
    let plain: unknown = answer
    if (answer instanceof ConcreteMessage) {
      if (answer.constructor !== wanted) {
        throw new LlmClientError(
          `${label} was answered with a ${answer.constructor.name}, not a ${wanted.name}`,
          { reason: "invalid-answer" },
        )
      }
      plain = answer.toJSON()
    }
    try {
      return messageFromPlain(wanted, plain)
    } catch (error) {
      if (!(error instanceof MessageDecodeError)) throw error
      throw new LlmClientError(
        `${label} does not fit ${wanted.name}: ${error.problems.join("; ")}`,
        { reason: "invalid-answer" },
        { cause: error },
      )
    }
  }
}
