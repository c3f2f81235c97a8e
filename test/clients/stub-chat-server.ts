import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/** One request the stub received. */
export interface ReceivedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: unknown
}

/**
 * What the stub does with a request: answer it, never answer (`hang`), or send the headers and
 * then never the body (`stall`).
 */
export type StubReply =
  | {
      readonly status?: number
      readonly json?: unknown
      readonly text?: string
      /** Sent as they are; a JSON or text body brings its content-type unless one is given. */
      readonly headers?: Readonly<Record<string, string>>
    }
  | "hang"
  | "stall"

/**
 * A chat-completions stand-in on 127.0.0.1 and an ephemeral port. Each test sets `reply`; every
 * request is kept in `received`.
 */
export class StubChatServer {
  readonly received: ReceivedRequest[] = []
  reply: (request: ReceivedRequest) => StubReply = () => ({ status: 404, text: "no reply set" })
  readonly #server: Server
  #port = 0

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8")
        let body: unknown = raw
        try {
          body = JSON.parse(raw)
        } catch {
          // keep the raw text
        }
        const received = {
          method: req.method ?? "",
          url: req.url ?? "",
          headers: req.headers,
          body,
        }
        this.received.push(received)
        this.#send(res, this.reply(received))
      })
    })
  }

  #send(res: ServerResponse, reply: StubReply): void {
    if (reply === "hang") return
    if (reply === "stall") {
      res.writeHead(200, { "content-type": "application/json" })
      res.write('{"id":"chatcmpl-test","choices":[')
      return
    }
    const status = reply.status ?? 200
    const json = reply.json !== undefined
    res.writeHead(status, {
      "content-type": json ? "application/json" : "text/plain",
      ...reply.headers,
    })
    res.end(json ? JSON.stringify(reply.json) : (reply.text ?? ""))
  }

  /** `http://127.0.0.1:<port>/v1` once started. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}/v1`
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject)
      this.#server.listen(0, "127.0.0.1", () => resolve())
    })
    this.#port = (this.#server.address() as AddressInfo).port
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    )
  }
}

/** A chat-completions response whose first choice says `message`. */
export function completion(message: Record<string, unknown>, finishReason = "stop"): unknown {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    model: "stub-model",
    choices: [
      { index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason },
    ],
  }
}
