import { LlmClientError, PlannedComponents, ProjectDirectory, ProjectFile, Rating } from "../../src"
import { completion, StubChatServer } from "./stub-chat-server"
import { API_KEY, clientOf, messages, useStubChatServer } from "./client-fixture"
import { rejection } from "../support/thrown"

const server = useStubChatServer()
const client = (options?: Parameters<typeof clientOf>[1]) => clientOf(server, options)

describe("OpenAICompatibleClient", () => {
  it("posts a structured-output request and returns an instance of the requested type", async () => {
    server.reply = () => ({
      json: completion({ content: '{"components":["index.html","style.css"]}', refusal: null }),
    })
    const plan = await client({ temperature: 0.2 }).complete({
      messages,
      responseType: PlannedComponents,
    })
    expect(plan).toBeInstanceOf(PlannedComponents)
    expect(plan).toStrictEqual(new PlannedComponents({ components: ["index.html", "style.css"] }))

    expect(server.received).toHaveLength(1)
    const request = server.received[0]!
    expect(request.method).toBe("POST")
    expect(request.url).toBe("/v1/chat/completions")
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(request.headers["content-type"]).toBe("application/json")
    expect(request.body).toEqual({
      model: "stub-model",
      messages: [
        { role: "system", content: "You are the executive. Plan the components." },
        { role: "user", content: "Build a hello world page" },
      ],
      temperature: 0.2,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "PlannedComponents",
          schema: {
            type: "object",
            properties: {
              components: {
                type: "array",
                description: "List of planned components",
                items: { type: "string" },
              },
            },
            required: ["components"],
            additionalProperties: false,
          },
          strict: true,
        },
      },
    })
  })

  it("sends the nested schema and restores nested classes in the answer", async () => {
    server.reply = () => ({
      json: completion({
        content: JSON.stringify({
          projectName: "hello",
          files: [{ fileName: "index.html", fileContents: "<h1>Hello</h1>" }],
        }),
      }),
    })
    const directory = await client().complete({ messages, responseType: ProjectDirectory })
    expect(directory.files[0]).toBeInstanceOf(ProjectFile)
    expect(directory.files[0]!.fileName).toBe("index.html")
    const body = server.received[0]!.body as { response_format: { json_schema: unknown } }
    expect(body.response_format.json_schema).toEqual({
      name: "ProjectDirectory",
      schema: ProjectDirectory.jsonSchema(),
      strict: true,
    })
  })

  it("trims a trailing slash of the base URL and sends no Authorization without a key", async () => {
    server.reply = () => ({ json: completion({ content: '{"rating":4,"reasoning":null}' }) })
    const keyless = client({ baseUrl: `${server.baseUrl}/`, apiKey: "" })
    expect(await keyless.complete({ messages, responseType: Rating })).toStrictEqual(
      new Rating({ rating: 4 }),
    )
    expect(server.received[0]!.url).toBe("/v1/chat/completions")
    expect(server.received[0]!.headers.authorization).toBeUndefined()
  })

  it("turns HTTP 500 into an error with the status and the server's message", async () => {
    server.reply = () => ({
      status: 500,
      json: { error: { message: "The server had an error processing your request." } },
    })
    const error = await rejection(
      LlmClientError,
      client().complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.reason).toBe("http")
    expect(error.status).toBe(500)
    expect(error.message).toBe(
      `POST ${server.baseUrl}/chat/completions answered HTTP 500 Internal Server Error: The server had an error processing your request.`,
    )
  })

  it("quotes only a short excerpt of a long error body", async () => {
    server.reply = () => ({ status: 502, text: `<html>${"bad gateway ".repeat(500)}</html>` })
    const error = await rejection(
      LlmClientError,
      client().complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.status).toBe(502)
    expect(error.message).toContain("answered HTTP 502 Bad Gateway: <html>bad gateway")
    expect(error.message.length).toBeLessThan(500)
    expect(error.message.endsWith("…")).toBe(true)
  })

  it("gives up after timeoutMs when the server does not answer", async () => {
    server.reply = () => "hang"
    const error = await rejection(
      LlmClientError,
      client({ timeoutMs: 200 }).complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.reason).toBe("timeout")
    expect(error.message).toBe(`POST ${server.baseUrl}/chat/completions timed out after 200 ms`)
    expect(server.received).toHaveLength(1)
  })

  it("times out a server that sends the headers and then stalls in the body", async () => {
    server.reply = () => "stall"
    const started = Date.now()
    const error = await rejection(
      LlmClientError,
      client({ timeoutMs: 300 }).complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.reason).toBe("timeout")
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it("retries a failed attempt and returns the answer of the one that succeeds", async () => {
    const answers = [
      {
        status: 503,
        json: { error: { message: "overloaded" } },
        headers: { "retry-after-ms": "5" },
      },
      { json: completion({ content: '{"components":["index.html"]}' }) },
    ]
    server.reply = () => answers.shift() ?? { status: 500, text: "asked once too often" }
    const plan = await client({ maxRetries: 2 }).complete({
      messages,
      responseType: PlannedComponents,
    })
    expect(plan).toStrictEqual(new PlannedComponents({ components: ["index.html"] }))
    expect(server.received).toHaveLength(2)
    expect(server.received.map((r) => r.headers["x-stainless-retry-count"])).toEqual(["0", "1"])
    expect(server.received[1]!.body).toEqual(server.received[0]!.body)
  })

  it("retries an attempt that timed out", async () => {
    let calls = 0
    server.reply = () =>
      (calls += 1) === 1 ? "hang" : { json: completion({ content: '{"components":[]}' }) }
    const plan = await client({ timeoutMs: 200, maxRetries: 1 }).complete({
      messages,
      responseType: PlannedComponents,
    })
    expect(plan.components).toEqual([])
    expect(server.received).toHaveLength(2)
  })

  it("gives up after maxRetries retries and reports the last failure", async () => {
    server.reply = () => ({
      status: 429,
      json: { error: { message: "slow down" } },
      headers: { "retry-after-ms": "5" },
    })
    const error = await rejection(
      LlmClientError,
      client({ maxRetries: 2 }).complete({ messages, responseType: PlannedComponents }),
    )
    expect(server.received).toHaveLength(3)
    expect(error.reason).toBe("http")
    expect(error.status).toBe(429)
    expect(error.message).toContain("answered HTTP 429 Too Many Requests: slow down")

    server.received.length = 0
    server.reply = () => "hang"
    const timedOut = await rejection(
      LlmClientError,
      client({ timeoutMs: 100, maxRetries: 1 }).complete({
        messages,
        responseType: PlannedComponents,
      }),
    )
    expect(server.received).toHaveLength(2)
    expect(timedOut.message).toBe(
      `POST ${server.baseUrl}/chat/completions timed out after 100 ms on its last attempt (of 2)`,
    )
  })

  it("does not retry what another attempt would not fix (HTTP 400)", async () => {
    server.reply = () => ({ status: 400, json: { error: { message: "Invalid schema" } } })
    const error = await rejection(
      LlmClientError,
      client({ maxRetries: 2 }).complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.status).toBe(400)
    expect(error.message).toContain("answered HTTP 400 Bad Request: Invalid schema")
    expect(server.received).toHaveLength(1)
  })

  it("stops when the caller aborts, and says so rather than timing out", async () => {
    server.reply = () => "hang"
    const controller = new AbortController()
    const pending = client().complete({
      messages,
      responseType: PlannedComponents,
      signal: controller.signal,
    })
    while (server.received.length === 0) await new Promise((resolve) => setImmediate(resolve))
    controller.abort()
    const error = await rejection(LlmClientError, pending)
    expect(error.reason).toBe("aborted")
    expect(error.message).toBe(`POST ${server.baseUrl}/chat/completions was aborted`)
  })

  it("turns a refusal into an error carrying the model's words", async () => {
    server.reply = () => ({
      json: completion({ content: null, refusal: "I can't help with that request." }),
    })
    const error = await rejection(
      LlmClientError,
      client().complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.reason).toBe("refusal")
    expect(error.message).toBe(
      "The model refused to answer with a PlannedComponents: I can't help with that request.",
    )
  })

  it.each([
    [
      "an answer that is not JSON",
      completion({ content: "Sure! Here are the components: index.html" }),
      "The model's answer is not valid JSON (finish_reason stop): Sure! Here are the components: index.html",
    ],
    [
      "an answer cut off by the token limit",
      completion({ content: '{"components":["index' }, "length"),
      'The model\'s answer is not valid JSON (finish_reason length): {"components":["index',
    ],
    [
      "an empty answer",
      completion({ content: "" }),
      "The model's answer is empty (finish_reason stop); a PlannedComponents was asked for",
    ],
    [
      "an answer of the wrong shape",
      completion({ content: '{"components":"index.html","extra":1}' }),
      "The model's answer does not fit PlannedComponents: PlannedComponents.components must be an array, not a string; PlannedComponents.extra is not a field of PlannedComponents",
    ],
    [
      "a response without choices",
      { error: null, choices: [] },
      "answered without choices[0].message",
    ],
  ])("rejects %s", async (_what, json, message) => {
    server.reply = () => ({ json })
    const error = await rejection(
      LlmClientError,
      client().complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.reason).toBe("invalid-answer")
    expect(error.message).toContain(message)
  })

  it("rejects a 200 response whose body is not JSON", async () => {
    server.reply = () => ({ text: "<html>proxy login</html>" })
    const error = await rejection(
      LlmClientError,
      client().complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.reason).toBe("invalid-answer")
    expect(error.status).toBe(200)
    expect(error.message).toContain(
      "answered with a body that is not JSON: <html>proxy login</html>",
    )
  })

  it("rejects a body that says it is JSON and is not, and reads JSON sent as text", async () => {
    server.reply = () => ({ text: "<html>proxy", headers: { "content-type": "application/json" } })
    const error = await rejection(
      LlmClientError,
      client().complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.reason).toBe("invalid-answer")
    expect(error.message).toContain("answered with a body that is not JSON (")

    server.reply = () => ({ text: JSON.stringify(completion({ content: '{"components":[]}' })) })
    const plan = await client().complete({ messages, responseType: PlannedComponents })
    expect(plan.components).toEqual([])
  })

  it("reports a server that cannot be reached as a network error", async () => {
    const gone = new StubChatServer()
    await gone.start()
    const baseUrl = gone.baseUrl
    await gone.stop()
    const error = await rejection(
      LlmClientError,
      client({ baseUrl }).complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.reason).toBe("network")
    expect(error.message).toBe(
      `POST ${baseUrl}/chat/completions failed: fetch failed (ECONNREFUSED)`,
    )
  })
})
