import fc from "fast-check"
import {
  Client,
  MESSAGE_STATUSES,
  MessageCreate,
  Session,
  UserCreate,
  ValidationError,
  createClient,
  createMessage,
  getMessage,
  getMessages,
  parseDto,
  withSession,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { type Conversation, seedConversation } from "./fixtures/helpers"

// Property-based tests (fast-check): valid DTO input parses to exactly what was given; any one
// invalid field is refused with a ValidationError naming that field (and only that field); and
// random message contents, prompts and temperatures survive a round trip through every database.

const RUNS = 100
const DB_RUNS = 60

const noNul = (text: string): boolean => !text.includes("\u0000")

/** Any Unicode text (every code point, no lone surrogates) without NUL, of at most `max` code points. */
function text(min: number, max: number): fc.Arbitrary<string> {
  return fc.string({ unit: "binary", minLength: min, maxLength: max }).filter(noNul)
}

/** Text that is not empty (class-validator's IsNotEmpty: not ""). */
const name = (max: number) => text(1, max)

const email = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9](?:[a-z0-9+_-]{0,20}[a-z0-9])?$/),
    fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/),
    fc.constantFrom("com", "org", "io", "example"),
  )
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`)

const userCreate = fc.record(
  {
    email,
    firstName: fc.option(text(0, 64), { nil: null }),
    lastName: fc.option(text(0, 64), { nil: null }),
  },
  { requiredKeys: ["email"] },
)

const jsonContent = fc
  .oneof(
    fc.dictionary(fc.string({ unit: "binary" }), fc.jsonValue({ stringUnit: "binary" })),
    fc.array(fc.jsonValue({ stringUnit: "binary" })),
  )
  .map((value) => JSON.stringify(value))

const sender = fc.oneof(
  fc.uuid().map((id) => ({ userId: id })),
  fc.uuid().map((id) => ({ operatorId: id })),
)

const messageCreate = fc
  .tuple(
    fc.record(
      {
        type: name(64),
        content: jsonContent,
        prompt: fc.option(text(0, 500), { nil: null }),
        status: fc.constantFrom(...MESSAGE_STATUSES),
        projectId: fc.uuid(),
      },
      { requiredKeys: ["type", "content", "projectId"] },
    ),
    sender,
  )
  .map(([fields, from]) => ({ ...fields, ...from }))

/** Values that are not strings. */
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 2 }),
)

/** Input with exactly one bad field, and the name of that field. */
type Broken = readonly [Record<string, unknown>, string]

function breakField(
  valid: fc.Arbitrary<Record<string, unknown>>,
  field: string,
  bad: fc.Arbitrary<unknown>,
): fc.Arbitrary<Broken> {
  return fc
    .tuple(valid, bad)
    .map(([input, value]) => [{ ...input, [field]: value }, field] as const)
}

/**
 * A key the class does not declare, and not one parseDto refuses for reasons of its own
 * (`__proto__`, `constructor`, `prototype`). Names of Object.prototype members (`valueOf`,
 * `toString`, …) are mixed in on purpose: class-transformer leaves them out of the instance.
 */
function unknownKey(known: readonly string[]): fc.Arbitrary<string> {
  const objectMembers = Object.getOwnPropertyNames(Object.prototype).filter(
    (name) => !["__proto__", "constructor"].includes(name),
  )
  return fc
    .oneof(
      fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
      fc.constantFrom(...objectMembers),
    )
    .filter(
      (key) => !known.includes(key) && !["__proto__", "constructor", "prototype"].includes(key),
    )
}

const USER_FIELDS = ["email", "firstName", "lastName", "profilePictureUrl"]
const MESSAGE_FIELDS = ["type", "content", "prompt", "status", "projectId", "userId", "operatorId"]

const brokenUser: fc.Arbitrary<Broken> = fc.oneof(
  breakField(
    userCreate,
    "email",
    fc.oneof(
      notString,
      fc.constant(null),
      text(0, 40).filter((value) => !value.includes("@")),
      email.map((value) => `${"a".repeat(129 - value.length)}${value}`),
      email.map((value) => `${value}\u0000`),
    ),
  ),
  breakField(
    userCreate,
    "firstName",
    fc.oneof(
      notString,
      text(65, 80),
      text(0, 10).map((value) => `${value}\u0000`),
    ),
  ),
  breakField(userCreate, "lastName", fc.oneof(notString, text(65, 80))),
  breakField(
    userCreate,
    "profilePictureUrl",
    fc.oneof(
      notString,
      text(0, 20).filter((value) => !value.includes(":")),
    ),
  ),
  fc
    .tuple(userCreate, unknownKey(USER_FIELDS), fc.jsonValue())
    .map(([input, key, value]) => [{ ...input, [key]: value }, key] as const),
)

const notJsonContent = fc.oneof(
  notString,
  fc.constant(null),
  text(0, 30).filter((value) => {
    try {
      const parsed: unknown = JSON.parse(value)
      return parsed === null || typeof parsed !== "object"
    } catch {
      return true
    }
  }),
  fc
    .jsonValue()
    .filter((value) => value === null || typeof value !== "object")
    .map((value) => JSON.stringify(value)),
)

const brokenMessage: fc.Arbitrary<Broken> = fc.oneof(
  breakField(
    messageCreate,
    "type",
    fc.oneof(
      notString,
      fc.constant(""),
      text(65, 80),
      text(0, 5).map((value) => `${value}\u0000`),
    ),
  ),
  breakField(messageCreate, "content", notJsonContent),
  breakField(messageCreate, "prompt", notString),
  breakField(
    messageCreate,
    "status",
    fc.oneof(
      notString,
      fc.constant(null),
      text(0, 20).filter((value) => !(MESSAGE_STATUSES as readonly string[]).includes(value)),
    ),
  ),
  breakField(
    messageCreate,
    "projectId",
    fc.oneof(
      notString,
      fc.constant(null),
      text(0, 40).filter((value) => !/^[0-9a-f-]{36}$/i.test(value)),
    ),
  ),
  fc
    .tuple(messageCreate, unknownKey(MESSAGE_FIELDS), fc.jsonValue())
    .map(([input, key, value]) => [{ ...input, [key]: value }, key] as const),
)

async function expectRefusedNaming(
  Dto: typeof UserCreate | typeof MessageCreate,
  [input, field]: Broken,
): Promise<void> {
  let error: unknown
  try {
    await parseDto(Dto as new () => object, input)
  } catch (caught) {
    error = caught
  }
  expect(error).toBeInstanceOf(ValidationError)
  // That field, and nothing else (a bad value of an unknown key may be named below it, too).
  const named = `${Dto.name}.${field}`
  const properties = (error as ValidationError).issues.map((issue) => issue.property)
  expect(properties).toContain(named)
  for (const property of properties) {
    if (property !== named) expect(property.startsWith(`${named}.`)).toBe(true)
  }
}

describe("DTO parsing (property-based)", () => {
  it("parses any valid UserCreate to exactly the fields given", async () => {
    await fc.assert(
      fc.asyncProperty(userCreate, async (input) => {
        // As it would arrive: JSON from a request.
        const parsed = await parseDto(UserCreate, JSON.parse(JSON.stringify(input)))
        expect({ ...parsed }).toEqual(input)
      }),
      { numRuns: RUNS },
    )
  })

  it("parses any valid MessageCreate to exactly the fields given", async () => {
    await fc.assert(
      fc.asyncProperty(messageCreate, async (input) => {
        const parsed = await parseDto(MessageCreate, JSON.parse(JSON.stringify(input)))
        expect({ ...parsed }).toEqual(input)
      }),
      { numRuns: RUNS },
    )
  })

  it("refuses a UserCreate with one invalid field, naming exactly that field", async () => {
    await fc.assert(
      fc.asyncProperty(brokenUser, (broken) => expectRefusedNaming(UserCreate, broken)),
      { numRuns: RUNS * 2 },
    )
  })

  it("refuses a MessageCreate with one invalid field, naming exactly that field", async () => {
    await fc.assert(
      fc.asyncProperty(brokenMessage, (broken) => expectRefusedNaming(MessageCreate, broken)),
      { numRuns: RUNS * 2 },
    )
  })

  it("refuses a MessageCreate with both senders or neither, naming both", async () => {
    await fc.assert(
      fc.asyncProperty(messageCreate, fc.uuid(), fc.boolean(), async (input, other, both) => {
        const { userId: _user, operatorId: _operator, ...rest } = input as Record<string, unknown>
        const changed = both ? { ...rest, userId: other, operatorId: other } : rest
        const error = await parseDto(MessageCreate, changed).catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(ValidationError)
        expect((error as ValidationError).issues.map((issue) => issue.property).sort()).toEqual([
          "MessageCreate.operatorId",
          "MessageCreate.userId",
        ])
      }),
      { numRuns: RUNS },
    )
  })
})

describeEachDatabase("message round trips (property-based)", (db) => {
  let conversation: Conversation

  beforeAll(async () => {
    conversation = await seedConversation(db().dataSource)
  })

  it("reads back any content, prompt and type exactly as stored, in the order written", async () => {
    const written: string[] = []
    await fc.assert(
      fc.asyncProperty(
        jsonContent,
        fc.option(text(0, 2_000), { nil: null }),
        name(64),
        async (content, prompt, type) => {
          const session = new Session(db().dataSource)
          let id: string
          try {
            const message = await createMessage(session, {
              type,
              content,
              prompt,
              projectId: conversation.projectId,
              userId: conversation.userId,
            })
            await session.commit()
            id = message.id
          } finally {
            await session.close()
          }
          written.push(id)
          const read = await withSession((s) => getMessage(s, id), db().dataSource)
          expect(read?.content).toBe(content)
          expect(read?.prompt).toBe(prompt)
          expect(read?.type).toBe(type)
        },
      ),
      { numRuns: DB_RUNS },
    )
    const listed = await withSession(
      (s) => getMessages(s, conversation.projectId, { limit: 1_000 }),
      db().dataSource,
    )
    expect(listed.map((message) => message.id)).toEqual(written)
  })

  it("reads back any temperature from 0 to 2 exactly", async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 2, noNaN: true }), async (temperature) => {
        const session = new Session(db().dataSource)
        let id: string
        try {
          const client = await createClient(session, {
            temperature,
            orchestratorId: conversation.orchestratorId,
            operatorId: conversation.operatorId,
          })
          await session.commit()
          id = client.id
        } finally {
          await session.close()
        }
        const read = await withSession((s) => s.get(Client, id), db().dataSource)
        // -0 and 0 are the same temperature.
        expect(read!.temperature === temperature).toBe(true)
      }),
      { numRuns: DB_RUNS },
    )
  })
})
