import { inspect } from "node:util"
import { LlmClientError, type LlmLogger, PlannedComponents } from "../../src"
import { completion } from "./stub-chat-server"
import { API_KEY, clientOf, everythingShown, messages, useStubChatServer } from "./client-fixture"
import { rejection } from "../support/thrown"

const server = useStubChatServer()
const client = (options?: Parameters<typeof clientOf>[1]) => clientOf(server, options)

describe("OpenAICompatibleClient and its API key", () => {
  it("never shows the API key: not in any error's message, stack or cause, log line, nor in the client", async () => {
    // A hostile or careless server echoes the Authorization header back in every way it can.
    const echo = (headers: { authorization?: string | undefined }) => headers.authorization ?? ""
    const again = { "retry-after-ms": "1" }
    const replies: Array<(headers: { authorization?: string | undefined }) => unknown> = [
      (h) => ({ status: 500, json: { error: { message: `bad key ${echo(h)}` } }, headers: again }),
      (h) => ({ status: 429, json: { note: `retry with ${echo(h)}` }, headers: again }),
      (h) => ({ status: 401, text: `Unauthorized: ${echo(h)}` }),
      (h) => ({ text: `not json ${echo(h)}` }),
      (h) => ({ json: completion({ content: null, refusal: `no, ${echo(h)}` }) }),
      (h) => ({ json: completion({ content: `{"components": ${echo(h)}` }) }),
      (h) => ({ json: completion({ content: JSON.stringify({ [echo(h)]: 1 }) }) }),
      () => ({ json: completion({ content: JSON.stringify({ components: [1] }) }) }),
      () => "hang",
    ]
    // Everything the SDK logs at its most talkative, retries and response bodies included.
    const logged: string[] = []
    const logger: LlmLogger = {
      error: (...parts) => logged.push(parts.join(" ")),
      warn: (...parts) => logged.push(parts.join(" ")),
      info: (...parts) => logged.push(parts.join(" ")),
      debug: (...parts) => logged.push(parts.join(" ")),
    }
    const keyed = client({ timeoutMs: 200, maxRetries: 1, logLevel: "debug", logger })
    const errors: LlmClientError[] = []
    for (const reply of replies) {
      server.reply = (request) => reply(request.headers) as never
      errors.push(
        await rejection(
          LlmClientError,
          keyed.complete({ messages, responseType: PlannedComponents }),
        ),
      )
    }
    const network = client({ baseUrl: "http://127.0.0.1:1/v1", timeoutMs: 200, logger })
    errors.push(
      await rejection(
        LlmClientError,
        network.complete({ messages, responseType: PlannedComponents }),
      ),
    )

    // The server did see the key (so the test would catch a leak of it).
    expect(server.received.some((r) => JSON.stringify(r.headers).includes(API_KEY))).toBe(true)
    expect(new Set(errors.map((error) => error.reason))).toEqual(
      new Set(["http", "invalid-answer", "refusal", "timeout", "network"]),
    )
    for (const error of errors) {
      expect(everythingShown(error)).not.toContain(API_KEY)
    }
    expect(errors[0]!.message).toContain("bad key Bearer [redacted]")
    // The echoes reached the log (retries and bodies are logged), with the key cut out.
    expect(logged.join("\n")).toContain("retrying, 1 attempts remaining")
    expect(logged.join("\n")).toContain("Unauthorized: Bearer [redacted]")
    for (const line of logged) expect(line).not.toContain(API_KEY)
    for (const shown of [
      inspect(keyed, { showHidden: true }),
      JSON.stringify(keyed),
      keyed.endpoint,
    ]) {
      expect(shown).not.toContain(API_KEY)
    }
    expect(JSON.stringify(keyed)).toContain('"apiKey":"(set)"')
  })
})
