import {
  type MessageCreate,
  type UserCreate,
  type ValidationError,
  createMessage,
  createUser,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { unique } from "../support/graph"
import { hostileInput } from "./fixtures/hostile-input"

// Wrong types and arrays where objects belong, through the DTOs and the services.
// (The corpus and the harness: fixtures/hostile-input.ts.)

describeEachDatabase("hostile input: wrong types", (db) => {
  const h = hostileInput(db)

  it("rejects wrong types and arrays where objects belong, naming the field", async () => {
    const valid = {
      type: "textmessage",
      content: "{}",
      projectId: h.conversation.projectId,
      userId: h.conversation.userId,
    }
    const fieldCases: ReadonlyArray<readonly [string, unknown]> = [
      ["type", 42],
      ["type", ["textmessage"]],
      ["type", { toString: () => "textmessage" }],
      ["content", { text: "an object, not JSON text" }],
      ["content", ["{}"]],
      ["content", 0],
      ["content", null],
      ["prompt", 12],
      ["prompt", { text: "x" }],
      ["status", "deleted"],
      ["status", null],
      ["status", ["init"]],
      ["projectId", 42],
      ["projectId", [h.conversation.projectId]],
      ["projectId", "not-a-uuid"],
      ["projectId", `${h.conversation.projectId}'; --`],
      ["userId", { id: h.conversation.userId }],
      ["userId", true],
    ]
    for (const [field, value] of fieldCases) {
      const outcome = await h.attempt(
        `MessageCreate.${field} <- ${JSON.stringify(value) ?? String(value)}`,
        (s) => createMessage(s, { ...valid, [field]: value }),
        { message: 1 },
      )
      expect(outcome.ok).toBe(false)
      expect(
        (outcome as { error: ValidationError }).error.issues.map((issue) => issue.property),
      ).toContain(`MessageCreate.${field}`)
    }

    const wholeInputs: ReadonlyArray<readonly [string, unknown]> = [
      ["an array", [valid]],
      ["an empty array", []],
      ["null", null],
      ["undefined", undefined],
      ["a string", JSON.stringify(valid)],
      ["a number", 42],
      ["a date", new Date()],
      ["a function", () => valid],
    ]
    for (const [label, input] of wholeInputs) {
      const outcome = await h.attempt(
        `MessageCreate <- ${label}`,
        (s) => createMessage(s, input as MessageCreate),
        { message: 1 },
      )
      expect(outcome.ok).toBe(false)
      const userOutcome = await h.attempt(
        `UserCreate <- ${label}`,
        (s) => createUser(s, input as UserCreate),
        { user: 1 },
      )
      expect(userOutcome.ok).toBe(false)
    }

    // An unknown property, and an inherited one: neither gets through.
    const unknown = await h.attempt(
      "MessageCreate with an unknown property",
      (s) =>
        createMessage(s, { ...valid, id: "01900000-0000-7000-8000-000000000000" } as MessageCreate),
      { message: 1 },
    )
    expect(unknown.ok).toBe(false)
    expect((unknown as { error: ValidationError }).error.message).toMatch(/MessageCreate\.id/)
    const inherited = Object.create({ email: `${unique("inherited")}@example.com` }) as UserCreate
    expect(
      (
        await h.attempt("UserCreate with an inherited email", (s) => createUser(s, inherited), {
          user: 1,
        })
      ).ok,
    ).toBe(false)
  })
})
