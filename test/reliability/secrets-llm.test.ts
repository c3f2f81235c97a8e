import { inspect } from "node:util"
import { ConcreteDbError, LlmClientError, OpenAICompatibleClient, TextMessage } from "../../src"
import { StubChatServer, completion } from "../clients/stub-chat-server"
import { freePort } from "./fixtures/helpers"
import { API_KEY, expectNoSecret, renderings } from "./fixtures/secrets"

// Secrets in LLM client errors: HTTP errors, timeouts and network failures, and base URLs that
// carry the key: the API key appears nowhere. (Shared: fixtures/secrets.ts.)

describe("secrets in LLM client errors", () => {
  const stub = new StubChatServer()

  beforeAll(() => stub.start())
  afterAll(() => stub.stop())

  const request = {
    messages: [{ role: "user" as const, content: "hello" }],
    responseType: TextMessage,
  }

  function echo(status: number, body: (authorization: string) => unknown) {
    stub.reply = (received) => {
      const authorization = String(received.headers.authorization ?? "")
      const reply = body(authorization)
      return typeof reply === "string" ? { status, text: reply } : { status, json: reply }
    }
  }

  const hostileServers: ReadonlyArray<readonly [string, () => void]> = [
    [
      "HTTP 401 echoing the key",
      () =>
        echo(401, (auth) => ({
          error: { message: `Incorrect API key provided: ${auth.replace("Bearer ", "")}` },
        })),
    ],
    ["HTTP 500 echoing the header", () => echo(500, (auth) => `upstream failed for ${auth}`)],
    ["HTTP 429 with the key in JSON", () => echo(429, (auth) => ({ key: auth, retry: 1 }))],
    ["a body that is not JSON", () => echo(200, (auth) => `<html>${auth}</html>`)],
    [
      "an answer that is not JSON",
      () => echo(200, (auth) => completion({ content: `not json ${auth}` })),
    ],
    [
      "an answer of the wrong shape",
      () => echo(200, (auth) => completion({ content: JSON.stringify({ wrong: auth }) })),
    ],
    ["a refusal", () => echo(200, (auth) => completion({ refusal: `I saw ${auth}` }))],
    ["no choices", () => echo(200, (auth) => ({ choices: [], note: auth }))],
    ["a hang (timeout)", () => (stub.reply = () => "hang")],
  ]

  it.each(hostileServers)("shows no key for %s", async (_label, arrange) => {
    arrange()
    for (const client of [
      new OpenAICompatibleClient({ baseUrl: stub.baseUrl, apiKey: API_KEY, timeoutMs: 500 }),
      new OpenAICompatibleClient({
        env: { OPENAI_BASE_URL: stub.baseUrl, OPENAI_API_KEY: API_KEY },
        timeoutMs: 500,
      }),
    ]) {
      const received = stub.received.length
      const error = await client.complete(request).then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(LlmClientError)
      // The key did reach the server (so the server could echo it).
      expect(stub.received[received]?.headers.authorization).toBe(`Bearer ${API_KEY}`)
      expectNoSecret(`LLM error (${_label})`, [
        ...renderings(error),
        `${client as unknown as string}`,
        inspect(client, { depth: 10, showHidden: true }),
        JSON.stringify(client),
      ])
    }
  })

  function constructionError(baseUrl: string): unknown {
    try {
      new OpenAICompatibleClient({ baseUrl, apiKey: API_KEY })
    } catch (caught) {
      return caught
    }
    throw new Error(`the base URL ${baseUrl.length} was accepted`)
  }

  it("shows no key when the server is unreachable or an http(s) base URL carries it", async () => {
    const port = await freePort()
    const client = new OpenAICompatibleClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      apiKey: API_KEY,
      timeoutMs: 1_000,
    })
    const error = await client.complete(request).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LlmClientError)
    expectNoSecret("network error", renderings(error))
    for (const baseUrl of [
      `https://user:${API_KEY}@llm.example.com/v1`,
      `https://${API_KEY}@llm.example.com/v1`,
      `https://llm.example.com/v1?key=${API_KEY}`,
      `https://llm.example.com/v1#${API_KEY}`,
    ]) {
      const thrown = constructionError(baseUrl)
      expect(thrown).toBeInstanceOf(ConcreteDbError)
      expectNoSecret(`base URL ${baseUrl.length}`, renderings(thrown))
    }
  })

  it("shows no key when a non-http base URL carries it or the key is given as the URL", () => {
    for (const baseUrl of [`ftp://${API_KEY}@llm.example.com`, API_KEY]) {
      const thrown = constructionError(baseUrl)
      expect(thrown).toBeInstanceOf(ConcreteDbError)
      expectNoSecret(`base URL ${baseUrl.length}`, renderings(thrown))
    }
  })
})
