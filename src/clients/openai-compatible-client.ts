import { OpenAI } from "openai"
import { type Env, loadEnv } from "../env"
import { ConcreteDbError, MessageDecodeError } from "../errors"
import type { ConcreteMessage } from "../messages/concrete-message"
import { messageFromPlain } from "../messages/message-codec"
import { type LlmLogger, type LlmLogLevel, LLM_LOG_LEVELS, redactingLogger } from "./llm-logger"
import type { CompletionRequest, LlmClient } from "./llm-client"
import { chatCompletionRequest } from "./chat-completion-request"
import { SdkErrorTranslator } from "./sdk-error-translator"

/** Where requests go when neither the options nor `OPENAI_BASE_URL` say. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"

/** The model asked when neither the options nor `OPENAI_MODEL` say. */
export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini"

/** How long one attempt (answer included) may take by default. */
export const DEFAULT_LLM_TIMEOUT_MS = 60_000

/** How often a failed request is tried again by default (the OpenAI SDK's own default). */
export const DEFAULT_LLM_MAX_RETRIES = 2

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
  /** Default 60 000 ms; covers one attempt, the answer's body included. */
  readonly timeoutMs?: number
  /**
   * Default 2. Connection failures, timeouts, HTTP 408, 409, 429 and 5xx are tried again, after
   * the server's `retry-after` or an exponential back-off (0.5 s, 1 s, … at most 8 s).
   */
  readonly maxRetries?: number
  /** Default `OPENAI_LOG`, else "warn": what the OpenAI SDK logs (requests and retries at "debug"). */
  readonly logLevel?: LlmLogLevel
  /** Default `console`. Receives only text with the API key cut out. */
  readonly logger?: LlmLogger
  /** Where the `OPENAI_*` defaults are read; default the process environment and a `.env` file. */
  readonly env?: Env
}

function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === "" ? undefined : value
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

// The SDK's timeout stops once the response headers are in. Reading the body inside `fetch`
// puts it under the same timer and abort signal, so a server that stalls mid-answer times out
// (and is retried) like one that never answers.
const fetchWholeAnswer: typeof fetch = async (input, init) => {
  try {
    const response = await fetch(input, init)
    const body = await response.arrayBuffer()
    const { status, statusText, headers } = response
    const bodyless = status === 204 || status === 205 || status === 304
    return new Response(bodyless ? null : body, { status, statusText, headers })
  } catch (error) {
    // fetch's abort is a DOMException, of another realm than the SDK's `Error` under a VM
    // context (Jest); the SDK would then not see the timeout and report a connection failure.
    if ((error as { name?: unknown } | null)?.name !== "AbortError") throw error
    throw Object.assign(new Error("The request was aborted", { cause: error }), {
      name: "AbortError",
    })
  }
}

/**
 * An `LlmClient` for any server speaking OpenAI's chat-completions API (OpenAI, Azure OpenAI's
 * compatible endpoint, vLLM, Ollama, LM Studio, …), built on the official `openai` SDK: it
 * sends the requested message class's JSON schema as strict structured output, and the SDK's
 * timeouts and retries apply. HTTP errors, timeouts, network failures, refusals and answers that
 * are empty, not JSON or not of the requested shape become `LlmClientError`s. The API key is
 * sent in the Authorization header only; it is kept in a private field and cut out of every
 * error message and log line.
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
  readonly maxRetries: number
  readonly #hasKey: boolean
  readonly #sdk: OpenAI
  readonly #errors: SdkErrorTranslator

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
    const maxRetries = options.maxRetries ?? DEFAULT_LLM_MAX_RETRIES
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new ConcreteDbError(
        `The LLM maxRetries must be a whole number from 0, not ${maxRetries}`,
      )
    }
    const logLevel = options.logLevel ?? setting(env, "OPENAI_LOG") ?? "warn"
    if (!(LLM_LOG_LEVELS as readonly string[]).includes(logLevel)) {
      throw new ConcreteDbError(
        `The LLM log level (logLevel or OPENAI_LOG) must be one of ${LLM_LOG_LEVELS.join(", ")}, not "${logLevel}"`,
      )
    }
    const apiKey = options.apiKey ?? setting(env, "OPENAI_API_KEY")
    const hasKey = apiKey !== undefined && apiKey !== ""
    const redact = (text: string): string => (hasKey ? text.split(apiKey).join("[redacted]") : text)

    this.baseUrl = baseUrl
    this.model = model
    this.temperature = temperature
    this.timeoutMs = timeoutMs
    this.maxRetries = maxRetries
    this.#hasKey = hasKey
    // Everything is passed explicitly, so the SDK reads no OPENAI_* variable of its own from
    // process.env: `env` alone decides.
    this.#sdk = new OpenAI({
      baseURL: baseUrl,
      // The SDK insists on a key; a keyless local server gets a placeholder that the null
      // Authorization header below keeps from being sent.
      apiKey: hasKey ? apiKey : "unused",
      defaultHeaders: hasKey ? undefined : { Authorization: null },
      adminAPIKey: null,
      organization: null,
      project: null,
      webhookSecret: null,
      timeout: timeoutMs,
      maxRetries,
      logLevel: logLevel as LlmLogLevel,
      logger: redactingLogger(options.logger ?? console, redact),
      fetch: fetchWholeAnswer,
    })
    this.#errors = new SdkErrorTranslator(this.endpoint, { timeoutMs, maxRetries }, redact)
  }

  /** The chat-completions URL, as errors name it: no credentials, no query string. */
  get endpoint(): string {
    const url = new URL(`${this.baseUrl}/chat/completions`)
    return `${url.origin}${url.pathname}`
  }

  /** The request body `complete` sends for `request` (useful to log or inspect). */
  requestBody(request: CompletionRequest): Record<string, unknown> {
    return { ...chatCompletionRequest(request, this.model, this.temperature) }
  }

  async complete<T extends ConcreteMessage>(request: CompletionRequest<T>): Promise<T> {
    const wanted = request.responseType
    const errors = this.#errors
    let answer: unknown
    let status: number
    try {
      const { data, response } = await this.#sdk.chat.completions
        .create(chatCompletionRequest(request, this.model, this.temperature), {
          signal: request.signal,
        })
        .withResponse()
      answer = data
      status = response.status
    } catch (error) {
      throw errors.translate(error)
    }
    // A server answering with another content type than JSON: the SDK hands over the text.
    if (typeof answer === "string") {
      const text = answer
      try {
        answer = JSON.parse(text)
      } catch {
        throw errors.invalid(
          `answered with a body that is not JSON: ${errors.excerpt(text)}`,
          status,
        )
      }
    }
    const choices = isObject(answer) ? answer.choices : undefined
    const choice: unknown = Array.isArray(choices) ? choices[0] : undefined
    const message = isObject(choice) ? choice.message : undefined
    if (!isObject(message)) {
      throw errors.invalid(
        `answered without choices[0].message: ${errors.excerpt(JSON.stringify(answer) ?? "")}`,
        status,
      )
    }
    const finish =
      isObject(choice) && typeof choice.finish_reason === "string"
        ? choice.finish_reason
        : undefined
    const finished = finish === undefined ? "" : ` (finish_reason ${finish})`
    if (typeof message.refusal === "string" && message.refusal.trim() !== "") {
      throw errors.answer(
        `The model refused to answer with a ${wanted.name}: ${errors.excerpt(message.refusal)}`,
        "refusal",
        status,
      )
    }
    const content = message.content
    if (typeof content !== "string" || content.trim() === "") {
      throw errors.answer(
        `The model's answer is empty${finished}; a ${wanted.name} was asked for`,
        "invalid-answer",
        status,
      )
    }
    let plain: unknown
    try {
      plain = JSON.parse(content)
    } catch {
      throw errors.answer(
        `The model's answer is not valid JSON${finished}: ${errors.excerpt(content)}`,
        "invalid-answer",
        status,
      )
    }
    try {
      return messageFromPlain(wanted, plain)
    } catch (error) {
      if (!(error instanceof MessageDecodeError)) throw error
      throw errors.answer(
        `The model's answer does not fit ${wanted.name}: ${error.problems.join("; ")}`,
        "invalid-answer",
        status,
      )
    }
  }

  /** Plain data for logs: never the key. */
  toJSON(): Record<string, unknown> {
    return {
      baseUrl: this.baseUrl,
      model: this.model,
      temperature: this.temperature,
      timeoutMs: this.timeoutMs,
      maxRetries: this.maxRetries,
      apiKey: this.#hasKey ? "(set)" : "(none)",
    }
  }
}
