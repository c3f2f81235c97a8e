import { STATUS_CODES } from "node:http"
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai"
import { LlmClientError, type LlmClientErrorReason } from "../errors"

/** How much of a server's text an error quotes. */
const EXCERPT_LENGTH = 300

/**
 * Turns what the OpenAI SDK throws, and what is wrong with an answer, into `LlmClientError`s
 * naming the endpoint, with the API key cut out. The SDK's own error is never kept as `cause`:
 * it holds the server's body and headers, which may echo the key.
 */
export class SdkErrorTranslator {
  readonly #endpoint: string
  readonly #timeoutMs: number
  readonly #maxRetries: number
  readonly #redact: (text: string) => string

  constructor(
    endpoint: string,
    limits: { readonly timeoutMs: number; readonly maxRetries: number },
    redact: (text: string) => string,
  ) {
    this.#endpoint = endpoint
    this.#timeoutMs = limits.timeoutMs
    this.#maxRetries = limits.maxRetries
    this.#redact = redact
  }

  /** An `LlmClientError` for what `chat.completions.create` threw; anything else as it is. */
  translate(error: unknown): unknown {
    const post = `POST ${this.#endpoint}`
    if (error instanceof APIUserAbortError) return this.answer(`${post} was aborted`, "aborted")
    if (error instanceof APIConnectionTimeoutError) {
      const attempts =
        this.#maxRetries === 0 ? "" : ` on its last attempt (of ${this.#maxRetries + 1})`
      return this.answer(`${post} timed out after ${this.#timeoutMs} ms${attempts}`, "timeout")
    }
    if (error instanceof APIConnectionError) {
      return this.answer(`${post} failed: ${describeFailure(error.cause ?? error)}`, "network")
    }
    if (error instanceof APIError && typeof error.status === "number") {
      const status = error.status
      const name = STATUS_CODES[status]
      return this.answer(
        `${post} answered HTTP ${status}${name ? ` ${name}` : ""}: ${this.excerpt(serverText(error, status))}`,
        "http",
        status,
      )
    }
    // A body declared as JSON that is not: the SDK lets JSON.parse's error through. Matched by
    // name, as it may come from another realm (a VM context).
    const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown }
    if (name === "SyntaxError" && typeof message === "string") {
      return this.invalid(`answered with a body that is not JSON (${this.excerpt(message)})`)
    }
    return error
  }

  /** "POST <endpoint> <detail>" as an invalid answer. */
  invalid(detail: string, status?: number): LlmClientError {
    return this.answer(`POST ${this.#endpoint} ${detail}`, "invalid-answer", status)
  }

  /** `message` (the key cut out) as an `LlmClientError`. */
  answer(message: string, reason: LlmClientErrorReason, status?: number): LlmClientError {
    return new LlmClientError(this.#redact(message), { reason, status })
  }

  /** `text` on one line, the key cut out, at most 300 characters. */
  excerpt(text: string): string {
    const flat = this.#redact(text).replace(/\s+/g, " ").trim()
    if (flat === "") return "(empty)"
    return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat
  }
}

/** An OpenAI-style error body's `error.message`, else what the server said. */
function serverText(error: { error?: unknown; message: string }, status: number): string {
  const body = error.error
  if (typeof body === "object" && body !== null) {
    const { message } = body as { message?: unknown }
    return typeof message === "string" ? message : JSON.stringify(body)
  }
  // The SDK's message is "<status> <the body's text>", or says there was no (usable) body.
  const text = error.message.startsWith(`${status} `)
    ? error.message.slice(`${status} `.length)
    : error.message
  return text === "status code (no body)" ? "(no error message)" : text
}

/** `fetch failed (ECONNREFUSED)` rather than a bare `fetch failed`. */
function describeFailure(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (a VM context), failing instanceof.
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: unknown }
  if (typeof message !== "string") return String(error)
  const { code, message: causeMessage } = (cause ?? {}) as { code?: unknown; message?: unknown }
  if (typeof code === "string") return `${message} (${code})`
  if (typeof causeMessage === "string" && causeMessage !== "") return `${message} (${causeMessage})`
  return message
}
