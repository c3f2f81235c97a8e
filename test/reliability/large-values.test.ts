import {
  MESSAGE_CONTENT_MAX_BYTES,
  Message,
  Session,
  ValidationError,
  createMessage,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { committedOwned } from "../support/fixtures"
import { make } from "../support/graph"

// Large values that escaping would double (MySQL/MariaDB's client-side escaping turns each `"` and
// `\` into two bytes): every content the DTO accepts is stored and read back byte for byte on
// every database; a row that cannot fit the server's packet is refused before anything is written.

const MiB = 1024 * 1024
const NINE_MIB_QUOTES = '"'.repeat(9 * MiB)
const NINE_MIB_BACKSLASHES = "\\".repeat(9 * MiB)
// As many 4-byte emoji as the DTO's cap allows in JSON content ({"text":"…"} is 11 bytes more).
const EMOJI_AT_CAP = JSON.stringify({
  text: "🤖".repeat(Math.floor((MESSAGE_CONTENT_MAX_BYTES - 11) / 4)),
})

describeEachDatabase("Large values that escaping would double", (db) => {
  const open = () => new Session(db().dataSource)

  async function storedContent(id: string): Promise<string | undefined> {
    await using reader = open()
    return (await reader.get(Message, id))?.content
  }

  it.each([
    ["9 MiB of quotes", JSON.stringify({ text: '"'.repeat(4.5 * MiB) })],
    ["9 MiB of backslashes", JSON.stringify({ text: "\\".repeat(4.5 * MiB) })],
    ["4-byte emoji up to the DTO's cap", EMOJI_AT_CAP],
  ])("stores %s through createMessage, byte for byte", async (_label, content) => {
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(MESSAGE_CONTENT_MAX_BYTES)
    const { user, project } = await committedOwned(db().dataSource)
    await using session = open()
    const message = await createMessage(session, {
      type: "textmessage",
      content,
      projectId: project.id,
      userId: user.id,
    })
    await session.commit()
    expect((await storedContent(message.id)) === content).toBe(true)
  })

  it.each([
    ["9 MiB of quotes", NINE_MIB_QUOTES],
    ["9 MiB of backslashes", NINE_MIB_BACKSLASHES],
  ])("stores %s through Session.add, beside small rows, byte for byte", async (_label, content) => {
    const { user, project } = await committedOwned(db().dataSource)
    await using session = open()
    const small = make(Message, { type: "textmessage", content: '{"a":"\\""}', project, user })
    const large = make(Message, { type: "textmessage", content, prompt: content, project, user })
    session.addAll([small, large])
    if (db().kind === "mariadb") {
      // 18 MiB of text in one row cannot fit MariaDB's 16 MiB packet: refused, nothing written.
      const error = await session.commit().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).issues[0]?.property).toMatch(/^Message\.(content|prompt)$/)
      expect((error as Error).message).toMatch(/max_allowed_packet is \d+/)
      expect(await storedContent(small.id)).toBeUndefined()
      large.prompt = null
    }
    await session.commit()
    expect((await storedContent(large.id)) === content).toBe(true)
    expect(await storedContent(small.id)).toBe('{"a":"\\""}')
  })
})
