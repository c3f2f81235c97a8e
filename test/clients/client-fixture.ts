import { inspect } from "node:util"
import {
  type ChatMessage,
  OpenAICompatibleClient,
  type OpenAICompatibleClientOptions,
} from "../../src"
import { StubChatServer } from "./stub-chat-server"

export const API_KEY = "sk-test-Zq8v3NbT5xLw0Kp2"

export const messages: ChatMessage[] = [
  { role: "system", content: "You are the executive. Plan the components." },
  { role: "user", content: "Build a hello world page" },
]

/** A stub server for the test file, started before its tests and stopped after them. */
export function useStubChatServer(): StubChatServer {
  const server = new StubChatServer()
  beforeAll(() => server.start())
  afterAll(() => server.stop())
  beforeEach(() => {
    server.received.length = 0
  })
  return server
}

/** A client of `server` that never retries unless a test says so. */
export function clientOf(
  server: StubChatServer,
  options: OpenAICompatibleClientOptions = {},
): OpenAICompatibleClient {
  return new OpenAICompatibleClient({
    baseUrl: server.baseUrl,
    apiKey: API_KEY,
    model: "stub-model",
    timeoutMs: 10_000,
    maxRetries: 0,
    env: {},
    ...options,
  })
}

/** Everything an error shows when printed or logged, cause chain included. */
export function everythingShown(error: Error): string {
  return [error.message, error.stack ?? "", String(error), inspect(error, { depth: 10 })].join("\n")
}
