import { loadEnv, type Env } from "../data-source-options"
import { ConcreteDbError, LlmClientError, MessageDecodeError } from "../errors"
import type { ConcreteMessage, MessageClass } from "../messages/concrete-message"
import { messageFromPlain } from "../messages/message-codec"
import { messageJsonSchema } from "../messages/message-json-schema"
import type { CompletionRequest, LlmClient } from "./llm-client"

/** Where requests go when neither the options nor `OPENAI_BASE_URL` say. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"

/** The model asked when neither the options nor `OPENAI_MODEL` say. */
export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini"

/** How long one request (answer included) may take by default. */
export const DEFAULT_LLM_TIMEOUT_MS = 60_000

/** How much of a server's text an error quotes. */
const EXCERPT_LENGTH = 300

/** Options of `OpenAICompatibleClient`; each falls back to the environment, then a default. */
export interface OpenAICompatibleClientOptions {
  /** Default `OPENAI_BASE_URL`, else https://api.openai.com/v1. */
  readonly baseUrl?: string
  /** Default `OPENAI_API_KEY`; none: no Authorization header (a local server). */
  readonly apiKey?: string
  /** Default `OPENAI_MODEL`, else gpt-4o-mini. */
  readonly model?: string
  /** Default 0, as the `Client` entity's default. */
  readonly temperature?: number
  /** Default 60 000 ms; covers the whole request, answer included. */
  readonly timeoutMs?: number
  /** Where the `OPENAI_*` defaults are read; default the process environment and a `.env` file. */
  readonly env?: Env
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === "" ? undefined : value
}

/**
 * An `LlmClient` for any server speaking OpenAI's chat-completions API (OpenAI, Azure OpenAI's
 * compatible endpoint, vLLM, Ollama, LM Studio, …): `POST {baseUrl}/chat/completions` with the
 * requested message class's JSON schema as strict structured output, through Node's `fetch`.
 * HTTP errors, timeouts, network failures, refusals and answers that are empty, not JSON or not
 * of the requested shape become `LlmClientError`s. The API key is sent in the Authorization
 * header only; it is kept in a private field and cut out of every error message.
 *
 * @example
 * const client = new OpenAICompatibleClient({ model: "gpt-4o-mini", timeoutMs: 30_000 })
 * const plan = await client.complete({
 *   messages: [
 *     { role: "system", content: "You are a software executive. Plan the components." },
 *     { role: "user", content: "Build a hello world page" },
 *   ],
 *   responseType: PlannedComponents,
 * })
 */
export class OpenAICompatibleClient implements LlmClient {
  readonly baseUrl: string
  readonly model: string
  readonly temperature: number
  readonly timeoutMs: number
  readonly #apiKey: string | undefined

  constructor(options: OpenAICompatibleClientOptions = {}) {
    const env = options.env ?? loadEnv()
    const baseUrl = (
      options.baseUrl ??
      setting(env, "OPENAI_BASE_URL") ??
      DEFAULT_OPENAI_BASE_URL
    ).replace(/\/+$/, "")
    let parsed: URL | undefined
    try {
      parsed = new URL(baseUrl)
    } catch {
      parsed = undefined
    }
    // The URL is never quoted: what is wrong with it may well be a secret (a key pasted into
    // OPENAI_BASE_URL, credentials in the URL).
    if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw new ConcreteDbError(
        "The LLM base URL (baseUrl or OPENAI_BASE_URL) must be an http(s) URL; check that no key was given in its place",
      )
    }
    if (parsed.username !== "" || parsed.password !== "" || parsed.search !== "" || parsed.hash) {
      throw new ConcreteDbError(
        "The LLM base URL must not contain credentials, a query string or a fragment; give the key as apiKey",
      )
    }
    const model = options.model ?? setting(env, "OPENAI_MODEL") ?? DEFAULT_OPENAI_MODEL
    if (model.trim() === "") throw new ConcreteDbError("The LLM model name must not be empty")
    const temperature = options.temperature ?? 0
    if (!Number.isFinite(temperature) || temperature < 0 || temperature > 2) {
      throw new ConcreteDbError(`The LLM temperature must be from 0 to 2, not ${temperature}`)
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new ConcreteDbError(`The LLM timeout must be a positive number of ms, not ${timeoutMs}`)
    }
    const apiKey = options.apiKey ?? setting(env, "OPENAI_API_KEY")
    this.baseUrl = baseUrl
    this.model = model
    this.temperature = temperature
    this.timeoutMs = timeoutMs
    this.#apiKey = apiKey === undefined || apiKey === "" ? undefined : apiKey
  }

  /** The chat-completions URL, as errors name it: no credentials, no query string. */
  get endpoint(): string {
    const url = new URL(`${this.baseUrl}/chat/completions`)
    return this.#redact(`${url.origin}${url.pathname}`)
  }

  /** The request body `complete` sends for `request` (useful to log or inspect). */
  requestBody(request: CompletionRequest): Json {
    return {
      model: this.model,
      messages: request.messages.map((message) => ({
        role: message.role,
        content: message.content,
      })),
      temperature: this.temperature,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: schemaName(request.responseType),
          schema: messageJsonSchema(request.responseType),
          strict: true,
        },
      },
    }
  }

  async complete<T extends ConcreteMessage>(request: CompletionRequest<T>): Promise<T> {
    const wanted = request.responseType
    const body = JSON.stringify(this.requestBody(request))
    const timeout = AbortSignal.timeout(this.timeoutMs)
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    }
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`

    let status: number
    let statusText: string
    let text: string
    try {
      const response = await fetch(`${this.baseUrl}/chat/completions`, {
        method: "POST",
        headers,
        body,
        signal,
      })
      status = response.status
      statusText = response.statusText
      text = await response.text()
    } catch (error) {
      throw this.#transportError(error, timeout, request.signal)
    }

    if (status < 200 || status > 299) {
      throw this.#error(
        `POST ${this.endpoint} answered HTTP ${status}${statusText ? ` ${statusText}` : ""}: ${this.#excerpt(errorText(text))}`,
        "http",
        status,
      )
    }
    let payload: unknown
    try {
      payload = JSON.parse(text)
    } catch {
      throw this.#error(
        `POST ${this.endpoint} answered with a body that is not JSON: ${this.#excerpt(text)}`,
        "invalid-answer",
        status,
      )
    }
    const choices = isObject(payload) ? payload.choices : undefined
    const choice: unknown = Array.isArray(choices) ? choices[0] : undefined
    const message = isObject(choice) ? choice.message : undefined
    if (!isObject(message)) {
      throw this.#error(
        `POST ${this.endpoint} answered without choices[0].message: ${this.#excerpt(text)}`,
        "invalid-answer",
        status,
      )
    }
    const finish =
      isObject(choice) && typeof choice.finish_reason === "string"
        ? choice.finish_reason
        : undefined
    const finished = finish === undefined ? "" : ` (finish_reason ${finish})`
    if (typeof message.refusal === "string" && message.refusal.trim() !== "") {
      throw this.#error(
        `The model refused to answer with a ${wanted.name}: ${this.#excerpt(message.refusal)}`,
        "refusal",
        status,
      )
    }
    const content = message.content
    if (typeof content !== "string" || content.trim() === "") {
      throw this.#error(
        `The model's answer is empty${finished}; a ${wanted.name} was asked for`,
        "invalid-answer",
        status,
      )
    }
    let plain: unknown
    try {
      plain = JSON.parse(content)
    } catch {
      throw this.#error(
        `The model's answer is not valid JSON${finished}: ${this.#excerpt(content)}`,
        "invalid-answer",
        status,
      )
    }
    try {
      return messageFromPlain(wanted, plain)
    } catch (error) {
      if (!(error instanceof MessageDecodeError)) throw error
      throw this.#error(
        `The model's answer does not fit ${wanted.name}: ${error.problems.join("; ")}`,
        "invalid-answer",
        status,
      )
    }
  }

  /** Plain data for logs: never the key. */
  toJSON(): Json {
    return {
      baseUrl: this.endpoint.replace(/\/chat\/completions$/, ""),
      model: this.model,
      temperature: this.temperature,
      timeoutMs: this.timeoutMs,
      apiKey: this.#apiKey === undefined ? "(none)" : "(set)",
    }
  }

  #transportError(
    error: unknown,
    timeout: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): LlmClientError {
    if (timeout.aborted) {
      return this.#error(`POST ${this.endpoint} timed out after ${this.timeoutMs} ms`, "timeout")
    }
    if (callerSignal?.aborted) return this.#error(`POST ${this.endpoint} was aborted`, "aborted")
    return this.#error(`POST ${this.endpoint} failed: ${describeFailure(error)}`, "network")
  }

  #error(message: string, reason: LlmClientError["reason"], status?: number): LlmClientError {
    return new LlmClientError(this.#redact(message), { reason, status })
  }

  #excerpt(text: string): string {
    const flat = this.#redact(text).replace(/\s+/g, " ").trim()
    if (flat === "") return "(empty)"
    return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat
  }

  #redact(text: string): string {
    return this.#apiKey === undefined ? text : text.split(this.#apiKey).join("[redacted]")
  }
}

/** The `json_schema.name` for a class: letters, digits, `_` and `-`, at most 64 characters. */
function schemaName(type: MessageClass): string {
  const name = type.name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64)
  return name === "" ? "response" : name
}

/** An OpenAI-style error body's `error.message`, else the whole text. */
function errorText(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text)
    if (isObject(parsed) && isObject(parsed.error) && typeof parsed.error.message === "string") {
      return parsed.error.message
    }
  } catch {
    // not JSON: quote the text as it is
  }
  return text
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
