import {
  type Message,
  MessageDecodeError,
  OrchestratorCreate,
  TextMessage,
  UserCreate,
  ValidationError,
  createMessage,
  createUser,
  getMessage,
  parseDto,
  withSession,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { unique } from "../support/graph"
import {
  OBJECT_MEMBERS,
  expectNoPollution,
  expectSameBytes,
  hostileInput,
  parseJson,
} from "./fixtures/hostile-input"

// Keys named __proto__, constructor, prototype or after Object.prototype members: refused
// or stored as text, never polluting a prototype. (The corpus and the harness:
// fixtures/hostile-input.ts.)

describeEachDatabase("hostile input: prototype keys", (db) => {
  const h = hostileInput(db)

  it("refuses __proto__, constructor and prototype keys at any depth and pollutes nothing", async () => {
    const email = () => `${unique("proto")}@example.com`
    const inputs: ReadonlyArray<readonly [string, () => unknown, string]> = [
      [
        "JSON __proto__",
        () => parseJson(`{"email":"${email()}","__proto__":{"polluted":"yes"}}`),
        "__proto__",
      ],
      [
        "JSON __proto__ isAdmin",
        () => parseJson(`{"email":"${email()}","__proto__":{"isAdmin":true}}`),
        "__proto__",
      ],
      [
        "constructor.prototype",
        () => ({ email: email(), constructor: { prototype: { polluted: "yes" } } }),
        "constructor",
      ],
      [
        "JSON constructor.prototype",
        () => parseJson(`{"email":"${email()}","constructor":{"prototype":{"polluted":"yes"}}}`),
        "constructor",
      ],
      ["prototype", () => ({ email: email(), prototype: { polluted: "yes" } }), "prototype"],
      [
        "nested __proto__",
        () => parseJson(`{"email":"${email()}","firstName":{"__proto__":{"polluted":"yes"}}}`),
        "__proto__",
      ],
      [
        "deep __proto__",
        () => parseJson(`{"email":"${email()}","x":{"y":{"z":{"__proto__":{"polluted":"yes"}}}}}`),
        "__proto__",
      ],
      [
        "array of __proto__",
        () => parseJson(`{"email":"${email()}","lastName":[{"__proto__":{"polluted":"yes"}}]}`),
        "__proto__",
      ],
    ]
    for (const [label, make, key] of inputs) {
      const input = make()
      const outcome = await h.attempt(
        `UserCreate <- ${label}`,
        (s) => createUser(s, input as UserCreate),
        {
          user: 1,
        },
      )
      expect(outcome.ok).toBe(false)
      expect(
        (outcome as { error: ValidationError }).error.issues.map((issue) => issue.property).join(),
      ).toContain(key)
      expectNoPollution(h.snapshot)
      // parseDto alone as well, for another DTO.
      await expect(parseDto(OrchestratorCreate, input)).rejects.toThrow(ValidationError)
      expectNoPollution(h.snapshot)
    }

    // Deep nesting is refused, not walked to a stack overflow.
    let deep: Record<string, unknown> = {}
    const root = deep
    for (let i = 0; i < 10_000; i += 1) {
      const next: Record<string, unknown> = {}
      deep.a = next
      deep = next
    }
    await expect(parseDto(UserCreate, { email: email(), firstName: root })).rejects.toThrow(
      ValidationError,
    )
    const cyclic: Record<string, unknown> = { email: email() }
    cyclic.self = cyclic
    await expect(parseDto(UserCreate, cyclic)).rejects.toThrow(ValidationError)
    expectNoPollution(h.snapshot)
  })

  it("neither crashes nor pollutes on keys named after Object.prototype members", async () => {
    for (const key of OBJECT_MEMBERS) {
      for (const value of [1, "x", null, { polluted: "yes" }, ["x"]]) {
        const input = JSON.parse(
          JSON.stringify({ email: `${unique("member")}@example.com`, [key]: value }),
        ) as UserCreate
        const outcome = await h.attempt(`UserCreate.${key}`, (s) => createUser(s, input), {
          user: 1,
        })
        // Every such key is an unknown property: refused by name, never copied or dropped.
        expect({ key, ok: outcome.ok }).toEqual({ key, ok: false })
        expect((outcome as { error: ValidationError }).error.issues.map((i) => i.property)).toEqual(
          [`UserCreate.${key}`],
        )
        expectNoPollution(h.snapshot)
      }
    }
  })

  it("stores message content carrying prototype keys as text and decodes it without pollution", async () => {
    const contents = [
      `{"text":"a","__proto__":{"polluted":"yes"}}`,
      `{"text":"b","constructor":{"prototype":{"polluted":"yes"}}}`,
      `{"text":"c","prototype":{"polluted":"yes"}}`,
      `{"__proto__":{"text":"inherited"}}`,
      `[{"text":"an array where an object belongs"}]`,
      `${"[".repeat(5_000)}${"]".repeat(5_000)}`,
      `{"text":{"__proto__":{"polluted":"yes"}}}`,
    ]
    for (const content of contents) {
      const outcome = await h.attempt(
        `content ${content.slice(0, 40)}`,
        (s) =>
          createMessage(s, {
            type: "textmessage",
            content,
            projectId: h.conversation.projectId,
            userId: h.conversation.userId,
          }),
        { message: 1 },
      )
      expect(outcome.ok).toBe(true)
      const read = await withSession(
        (s) => getMessage(s, (outcome as { value: Message }).value.id),
        db().dataSource,
      )
      expectSameBytes(read?.content, content)
      let decoded: unknown
      try {
        decoded = read!.toObj()
      } catch (error) {
        expect(error).toBeInstanceOf(MessageDecodeError)
      }
      if (decoded !== undefined) {
        expect(decoded).toBeInstanceOf(TextMessage)
        expect(typeof (decoded as TextMessage).text).toBe("string")
        expect((decoded as Record<string, unknown>).polluted).toBeUndefined()
      }
      expectNoPollution(h.snapshot)
    }
  })
})

describe("parseDto and keys named after Object.prototype members", () => {
  // class-transformer leaves these keys out of the instance (they name methods of the DTO's
  // prototype chain), so parseDto compares the input's own keys with the declared properties.
  it("refuses keys named after Object.prototype members as unknown properties", async () => {
    for (const key of OBJECT_MEMBERS) {
      const error = await parseDto(UserCreate, { email: "a@example.com", [key]: 1 }).catch(
        (caught: unknown) => caught,
      )
      expect({ key, refused: error instanceof ValidationError }).toEqual({ key, refused: true })
    }
  })
})
