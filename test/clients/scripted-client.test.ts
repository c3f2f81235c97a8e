import {
  type ChatMessage,
  type CompletionRequest,
  LlmClientError,
  MessageDecodeError,
  PlannedComponents,
  ProjectDirectory,
  ProjectFile,
  ScriptedClient,
  Summary,
  TextMessage,
} from "../../src"
import { rejection } from "../support/thrown"

const messages: ChatMessage[] = [
  { role: "system", content: "You plan software." },
  { role: "user", content: "Build a hello world page" },
]

describe("ScriptedClient", () => {
  it("replays its answers in order, as fresh instances of the requested types", async () => {
    const plan = new PlannedComponents({ components: ["index.html", "style.css"] })
    const client = new ScriptedClient([
      plan,
      { projectName: "hello", files: [{ fileName: "index.html", fileContents: "<h1>Hi</h1>" }] },
    ])
    expect(client.remaining).toBe(2)

    const first = await client.complete({ messages, responseType: PlannedComponents })
    expect(first).toBeInstanceOf(PlannedComponents)
    expect(first).toStrictEqual(plan)
    expect(first).not.toBe(plan)
    first.components.push("changed")
    expect(plan.components).toEqual(["index.html", "style.css"])

    const second = await client.complete({ messages, responseType: ProjectDirectory })
    expect(second).toBeInstanceOf(ProjectDirectory)
    expect(second.files[0]).toBeInstanceOf(ProjectFile)
    expect(second.files[0]!.fileContents).toBe("<h1>Hi</h1>")
    expect(client.remaining).toBe(0)
    expect(client.requests.map((request) => request.responseType)).toEqual([
      PlannedComponents,
      ProjectDirectory,
    ])
    expect(client.requests[0]!.messages).toBe(messages)
  })

  it("is deterministic: the same script gives the same answers", async () => {
    const script = [new TextMessage({ text: "a" }), { text: "b" }]
    const run = async () => {
      const client = new ScriptedClient(script)
      return [
        await client.complete({ messages, responseType: TextMessage }),
        await client.complete({ messages, responseType: TextMessage }),
      ]
    }
    expect(await run()).toStrictEqual(await run())
    expect((await run()).map((answer) => answer.text)).toEqual(["a", "b"])
  })

  it("throws a clear error when the script has run out", async () => {
    const client = new ScriptedClient([new TextMessage({ text: "only" })])
    await client.complete({ messages, responseType: TextMessage })
    const error = await rejection(
      LlmClientError,
      client.complete({ messages, responseType: Summary }),
    )
    expect(error.reason).toBe("script-exhausted")
    expect(error.message).toBe(
      "ScriptedClient request 2 (a Summary) has no answer left: the script had 1 answer",
    )
    expect(client.requests).toHaveLength(2)
  })

  it("rejects an answer of another class than requested", async () => {
    const client = new ScriptedClient([new TextMessage({ text: "not a plan" })])
    const error = await rejection(
      LlmClientError,
      client.complete({ messages, responseType: PlannedComponents }),
    )
    expect(error.reason).toBe("invalid-answer")
    expect(error.message).toBe(
      "ScriptedClient request 1 (a PlannedComponents) was answered with a TextMessage, not a PlannedComponents",
    )
  })

  it("rejects a plain answer that does not fit the requested type, naming the properties", async () => {
    const client = new ScriptedClient([{ components: "index.html" }, { text: "x", extra: 1 }])
    const first = await rejection(
      LlmClientError,
      client.complete({ messages, responseType: PlannedComponents }),
    )
    expect(first.reason).toBe("invalid-answer")
    expect(first.message).toContain(
      "does not fit PlannedComponents: PlannedComponents.components must be an array, not a string",
    )
    expect(first.cause).toBeInstanceOf(MessageDecodeError)
    const second = await rejection(
      LlmClientError,
      client.complete({ messages, responseType: TextMessage }),
    )
    expect(second.message).toContain("TextMessage.extra is not a field of TextMessage")
  })

  it("rejects an instance whose fields are broken", async () => {
    const broken = new ProjectDirectory({ projectName: "p", files: [new ProjectFile()] })
    const client = new ScriptedClient([broken])
    const error = await rejection(
      LlmClientError,
      client.complete({ messages, responseType: ProjectDirectory }),
    )
    expect(error.message).toContain("ProjectDirectory.files[0].fileName is required")
  })

  it("answers from a function of the request and its index, sync or async", async () => {
    const seen: Array<[string, number]> = []
    const client = new ScriptedClient(async (request: CompletionRequest, index) => {
      await Promise.resolve()
      seen.push([request.responseType.name, index])
      if (index >= 2) return undefined
      return request.responseType === Summary
        ? { summary: [`summary of ${request.messages.at(-1)!.content}`] }
        : new TextMessage({ text: `answer ${index}` })
    })
    expect(client.remaining).toBeUndefined()
    const text = await client.complete({ messages, responseType: TextMessage })
    expect(text).toStrictEqual(new TextMessage({ text: "answer 0" }))
    const summary = await client.complete({ messages, responseType: Summary })
    expect(summary.summary).toEqual(["summary of Build a hello world page"])
    const error = await rejection(
      LlmClientError,
      client.complete({ messages, responseType: Summary }),
    )
    expect(error.reason).toBe("script-exhausted")
    expect(error.message).toBe("ScriptedClient request 3 (a Summary) has no answer left")
    expect(seen).toEqual([
      ["TextMessage", 0],
      ["Summary", 1],
      ["Summary", 2],
    ])
  })

  it("does not answer an aborted request, and keeps the answer for the next one", async () => {
    const client = new ScriptedClient([new TextMessage({ text: "kept" })])
    const controller = new AbortController()
    controller.abort()
    const error = await rejection(
      LlmClientError,
      client.complete({ messages, responseType: TextMessage, signal: controller.signal }),
    )
    expect(error.reason).toBe("aborted")
    expect(client.remaining).toBe(1)
    expect((await client.complete({ messages, responseType: TextMessage })).text).toBe("kept")
  })
})
