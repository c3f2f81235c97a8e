import {
  Client,
  type Message,
  type TextMessage,
  ValidationError,
  createClient,
  createMessage,
  getMessage,
  getMessages,
  withSession,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { expectSameBytes, hostileInput } from "./fixtures/hostile-input"

// Very large message content, and hostile numbers (pagination included), through the DTOs
// and the services. (The corpus and the harness: fixtures/hostile-input.ts.)

describeEachDatabase("hostile input: sizes and numbers", (db) => {
  const h = hostileInput(db)

  it("stores a 10 MB message content byte for byte and rejects one over 12 MiB", async () => {
    const unit = `🤖 é "quoted" \\ ${"x".repeat(40)}\n`
    const text = unit.repeat(Math.ceil((10 * 1024 * 1024) / Buffer.byteLength(unit)))
    const content = JSON.stringify({ text })
    expect(Buffer.byteLength(content)).toBeGreaterThan(10 * 1024 * 1024)
    const stored = await h.attempt(
      "10 MB content",
      (s) =>
        createMessage(s, {
          type: "textmessage",
          content,
          prompt: text.slice(0, 100_000),
          projectId: h.conversation.projectId,
          userId: h.conversation.userId,
        }),
      { message: 1 },
    )
    expect(stored.ok).toBe(true)
    const read = await withSession(
      (s) => getMessage(s, (stored as { value: Message }).value.id),
      db().dataSource,
    )
    expectSameBytes(read?.content, content)
    expect((read!.toObj() as TextMessage).text).toBe(text)

    const tooBig = JSON.stringify({ text: "x".repeat(12 * 1024 * 1024) })
    const refused = await h.attempt(
      "13 MB content",
      (s) =>
        createMessage(s, {
          type: "textmessage",
          content: tooBig,
          projectId: h.conversation.projectId,
          userId: h.conversation.userId,
        }),
      { message: 1 },
    )
    expect(refused.ok).toBe(false)
    expect((refused as { error: ValidationError }).error.message).toMatch(/MessageCreate\.content/)
  })

  it("stores or rejects hostile numbers exactly", async () => {
    const numbers: ReadonlyArray<readonly [string, unknown]> = [
      ["zero", 0],
      ["negative zero", -0],
      ["two", 2],
      ["just over two", 2.0000000000000004],
      ["negative", -1],
      ["tiny negative", -Number.MIN_VALUE],
      ["smallest positive", Number.MIN_VALUE],
      ["a third", 1 / 3],
      ["0.1 + 0.2", 0.1 + 0.2],
      ["huge", 1e308],
      ["max value", Number.MAX_VALUE],
      ["max safe integer", Number.MAX_SAFE_INTEGER],
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-Infinity", Number.NEGATIVE_INFINITY],
      ["numeric string", "1"],
      ["hex string", "0x1"],
      ["boolean", true],
      ["null", null],
      ["array", [1]],
      ["object", { valueOf: () => 1 }],
      ["bigint", 1n],
    ]
    for (const [label, temperature] of numbers) {
      const outcome = await h.attempt(
        `ClientCreate.temperature <- ${label}`,
        (s) =>
          createClient(s, {
            temperature: temperature as number,
            orchestratorId: h.conversation.orchestratorId,
            operatorId: h.conversation.operatorId,
          }),
        { client: 1 },
      )
      if (!outcome.ok) {
        expect(outcome.error.issues.map((issue) => issue.property)).toEqual([
          "ClientCreate.temperature",
        ])
        continue
      }
      expect(typeof temperature).toBe("number")
      const read = await withSession((s) => s.get(Client, outcome.value.id), db().dataSource)
      // -0 may come back as 0: the same temperature.
      expect(read?.temperature === temperature).toBe(true)
    }

    const pages: ReadonlyArray<readonly [string, unknown]> = [
      ["negative", -1],
      ["fraction", 1.5],
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["huge", 1e300],
      ["unsafe integer", 2 ** 53],
      ["string", "10"],
      ["null", null],
      ["array", [10]],
    ]
    await withSession(async (s) => {
      for (const [label, value] of pages) {
        for (const option of ["skip", "limit"] as const) {
          const error = await getMessages(s, h.conversation.projectId, {
            [option]: value as number,
          }).catch((caught: unknown) => caught)
          expect({ label, option, error }).toEqual({
            label,
            option,
            error: expect.any(ValidationError),
          })
          expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
            `Pagination.${option}`,
          ])
        }
      }
      // A large but sane skip works; a limit over the cap is refused, naming it.
      expect(
        Array.isArray(
          await getMessages(s, h.conversation.projectId, { skip: 2 ** 31, limit: 1_000 }),
        ),
      ).toBe(true)
      const overCap = await getMessages(s, h.conversation.projectId, { limit: 2 ** 40 }).catch(
        (caught: unknown) => caught,
      )
      expect(overCap).toBeInstanceOf(ValidationError)
      expect((overCap as ValidationError).issues.map((issue) => issue.property)).toEqual([
        "Pagination.limit",
      ])
    }, db().dataSource)
  })
})
