import { inspect } from "node:util"

/** How much the OpenAI SDK logs, least first. */
export const LLM_LOG_LEVELS = ["off", "error", "warn", "info", "debug"] as const

/** One of `LLM_LOG_LEVELS`: "info" adds retries, "debug" every request and response. */
export type LlmLogLevel = (typeof LLM_LOG_LEVELS)[number]

/** Where `OpenAICompatibleClient` sends the SDK's log lines (`console` fits). */
export interface LlmLogger {
  error(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
  info(message: string, ...details: unknown[]): void
  debug(message: string, ...details: unknown[]): void
}

/**
 * `target` fed only text passed through `redact`. The SDK masks the Authorization header it
 * logs, but at "debug" it logs response bodies too, and a server may echo the key back in one;
 * details are therefore rendered to text here, and the key cut out of it.
 */
export function redactingLogger(target: LlmLogger, redact: (text: string) => string): LlmLogger {
  const render = (detail: unknown): string =>
    redact(typeof detail === "string" ? detail : inspect(detail, { depth: 6, breakLength: 120 }))
  const level =
    (name: keyof LlmLogger) =>
    (message: string, ...details: unknown[]): void => {
      target[name](render(message), ...details.map(render))
    }
  return { error: level("error"), warn: level("warn"), info: level("info"), debug: level("debug") }
}
