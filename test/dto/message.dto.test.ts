import {
  MESSAGE_CONTENT_MAX_BYTES,
  MESSAGE_STATUSES,
  MessageCreate,
  MessageUpdate,
  parseDto,
} from "../../src"
import { badProperties, issuesOf, itChecksLikeADto } from "./dto-spec"

const PROJECT = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"
const USER = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c16"
const OPERATOR = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c17"

const valid = {
  type: "textmessage",
  content: '{"text":"Build a landing page"}',
  prompt: "Build a landing page",
  status: "ready",
  projectId: PROJECT,
  userId: USER,
}

// JSON text of exactly `bytes` UTF-8 bytes: {"text":"ééé…"}, "é" taking two bytes.
function jsonOfBytes(bytes: number): string {
  const room = bytes - '{"text":""}'.length
  const wide = Math.floor(room / 2)
  return `{"text":"${"é".repeat(wide)}${"a".repeat(room - wide * 2)}"}`
}

describe("MessageCreate", () => {
  itChecksLikeADto(MessageCreate, {
    valid,
    required: ["type", "content", "projectId"],
    lengths: { type: [64, (n) => "t".repeat(n)] },
    uuids: ["projectId", "userId"],
    strings: ["type", "prompt"],
  })

  it("accepts an operator as the sender instead of a user", async () => {
    const { userId: _userId, ...rest } = valid
    expect(await badProperties(MessageCreate, { ...rest, operatorId: OPERATOR })).toEqual([])
    expect(
      await badProperties(MessageCreate, { ...rest, operatorId: OPERATOR, userId: null }),
    ).toEqual([])
  })

  it("refuses both senders, naming userId and operatorId", async () => {
    const issues = await issuesOf(MessageCreate, { ...valid, operatorId: OPERATOR })
    expect(issues).toEqual([
      {
        property: "MessageCreate.userId",
        reasons: ["exactly one of userId and operatorId must be given, but both were given"],
      },
      {
        property: "MessageCreate.operatorId",
        reasons: ["exactly one of userId and operatorId must be given, but both were given"],
      },
    ])
  })

  it("refuses neither sender (left out or null), naming userId and operatorId", async () => {
    const { userId: _userId, ...rest } = valid
    for (const input of [rest, { ...rest, userId: null, operatorId: null }]) {
      const issues = await issuesOf(MessageCreate, input)
      expect(issues.map((issue) => issue.property)).toEqual([
        "MessageCreate.userId",
        "MessageCreate.operatorId",
      ])
      expect(issues[0]!.reasons).toEqual([
        "exactly one of userId and operatorId must be given, but neither was given",
      ])
    }
  })

  it("refuses a malformed sender id without a second complaint about the sender count", async () => {
    const { userId: _userId, ...rest } = valid
    expect(await issuesOf(MessageCreate, { ...rest, operatorId: "bad" })).toEqual([
      { property: "MessageCreate.operatorId", reasons: ["operatorId must be a UUID"] },
    ])
  })

  it("needs content that is JSON text of an object or an array", async () => {
    for (const content of ['{"text":"hi"}', "[1,2]"]) {
      expect(await badProperties(MessageCreate, { ...valid, content })).toEqual([])
    }
    for (const content of ["", "hello", '{"text":', "42", "null", { text: "hi" }]) {
      expect(await badProperties(MessageCreate, { ...valid, content })).toEqual([
        "MessageCreate.content",
      ])
    }
  })

  it("caps content at 12 MiB of UTF-8, counting multi-byte characters as their bytes", async () => {
    const exact = jsonOfBytes(MESSAGE_CONTENT_MAX_BYTES)
    expect(Buffer.byteLength(exact)).toBe(MESSAGE_CONTENT_MAX_BYTES)
    expect(exact.length).toBeLessThan(MESSAGE_CONTENT_MAX_BYTES)
    expect(await badProperties(MessageCreate, { ...valid, content: exact })).toEqual([])
    const over = await issuesOf(MessageCreate, { ...valid, content: `${exact} ` })
    expect(over).toEqual([
      {
        property: "MessageCreate.content",
        reasons: [`content must be at most ${MESSAGE_CONTENT_MAX_BYTES} bytes in UTF-8`],
      },
    ])
  })

  it("accepts every status and nothing else", async () => {
    for (const status of MESSAGE_STATUSES) {
      expect(await badProperties(MessageCreate, { ...valid, status })).toEqual([])
    }
    for (const status of ["done", "INIT", "", null, 1]) {
      expect(await badProperties(MessageCreate, { ...valid, status })).toEqual([
        "MessageCreate.status",
      ])
    }
  })

  it("leaves the status to the default when it is not given", async () => {
    const { status: _status, ...rest } = valid
    expect((await parseDto(MessageCreate, rest)).status).toBeUndefined()
  })
})

describe("MessageUpdate", () => {
  itChecksLikeADto(MessageUpdate, {
    valid: { status: "finished" },
    forbidden: {
      userId: USER,
      operatorId: OPERATOR,
      projectId: PROJECT,
      content: "{}",
      type: "textmessage",
    },
  })

  it("refuses a status that is not one of the five", async () => {
    expect(await badProperties(MessageUpdate, { status: "done" })).toEqual(["MessageUpdate.status"])
    expect(await badProperties(MessageUpdate, { status: null })).toEqual(["MessageUpdate.status"])
  })
})
