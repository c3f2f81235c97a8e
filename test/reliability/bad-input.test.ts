import {
  Client,
  type ConcreteDbError,
  Message,
  MessageCreate,
  MessageDecodeError,
  Operator,
  OrchestratorCreate,
  Project,
  Session,
  TextMessage,
  User,
  UserCreate,
  ValidationError,
  createClient,
  createMessage,
  createOperator,
  createProject,
  createUser,
  getMessage,
  getMessages,
  getProjectByName,
  getUser,
  parseDto,
  withSession,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { unique } from "../support/graph"
import { type Conversation, TABLES, countAll, seedConversation } from "./fixtures/helpers"

// Hostile input through the DTOs and the services. Every value is either stored and read back
// byte for byte, or rejected with a ValidationError; nothing crashes, nothing is half written
// (every table's row count moves by exactly what the stored entity adds, or not at all), and no
// prototype is polluted.

/** Strings that have broken applications before. */
const HOSTILE_STRINGS: ReadonlyArray<readonly [string, string]> = [
  ["SQL injection (quote)", `'; DROP TABLE "user"; --`],
  ["SQL injection (always true)", `' OR '1'='1`],
  ["SQL injection (backtick)", "`; DROP TABLE `message`; -- "],
  ["SQL injection (dollar quoting)", "$$; DROP TABLE message; $$"],
  ["SQL injection (comment)", "admin'/*"],
  ["SQL injection (stacked, MySQL escape)", `\\'; DELETE FROM user; -- `],
  ["placeholders", "$1 ? :name @p1 %s %d"],
  ["LIKE wildcards", "100% _of_ [a-z]"],
  ["double quotes", `"quoted" ""`],
  ["backslashes", String.raw`C:\path\to\file \' \" \\ \n \0 \x00 \u0000`],
  ["emoji", "🤖🚀 👩‍💻 🏳️‍🌈"],
  ["4-byte UTF-8", "𝕳𝖊𝖑𝖑𝖔 𠜎𠜱 𝄞"],
  ["combining characters", "e\u0301 a\u030A Z\u0324\u0354\u0367\u0311\u0313"],
  ["NFD (not normalized)", "Cafe\u0301"],
  ["NFC", "Caf\u00e9"],
  ["right-to-left override", "\u202Eevil\u202C.txt"],
  ["zero-width and BOM", "a\u200Bb\u200Dc\uFEFFd"],
  ["control characters", "\u0001\u0007\u001b[31mred\u001b[0m\r\n\t\u007f"],
  ["line separators", "a\u2028b\u2029c\u0085d"],
  ["noncharacters", "\uFFFE\uFFFF\u{10FFFF}"],
  ["trailing spaces", "trailing   "],
  ["leading spaces", "   leading"],
  ["only spaces", "   "],
  ["empty", ""],
  ["HTML", "<script>alert(1)</script><img src=x onerror=alert(1)>"],
  ["JSON with __proto__", `{"__proto__":{"polluted":true}}`],
  ["64 emoji", "🤖".repeat(64)],
  ["65 emoji", "🤖".repeat(65)],
  ["64 heart + variation selector (128 code points)", "❤️".repeat(64)],
  ["NUL", "a\u0000b"],
  ["only NUL", "\u0000"],
]

/** Not Unicode at all: UTF-16 halves without their other half (JSON.parse makes them). */
const LONE_SURROGATES: ReadonlyArray<readonly [string, string]> = [
  ["lone high surrogate", "a\uD800b"],
  ["lone low surrogate", "a\uDC00b"],
  ["reversed surrogates", "\uDC00\uD800"],
  ["from JSON.parse", JSON.parse('"\\ud83e"') as string],
]

// The floor: valid addresses, hostile only to careless SQL, that must be stored as they are.
const EMAILS_STORED: readonly string[] = [
  "o'reilly+tag@example.com",
  `"quoted"@example.com`,
  `"'; DROP TABLE user; --"@example.com`,
  "admin'--@example.com",
  "üser@exämple.com",
  `${"a".repeat(64)}@${"b".repeat(59)}.com`,
  "USER@EXAMPLE.COM",
]
// Addresses a header or a log line could be split with: refused.
const EMAILS_REFUSED: readonly string[] = ["user@example.com\u0000.evil", "user@example.com\n"]
const HOSTILE_EMAILS: readonly string[] = [
  ...EMAILS_STORED,
  ...EMAILS_REFUSED,
  "a@b",
  "user@[127.0.0.1]",
]

/** Where a hostile string goes: a field of an entity created through a service. */
interface Target {
  readonly name: string
  /** Creates the entity with `value` in the field (flushes; the caller commits). */
  create(s: Session, value: string, c: Conversation): Promise<{ id: string }>
  /** The field as read back from the database. */
  readBack(s: Session, id: string): Promise<string | null | undefined>
  /** Rows added per table when it is stored. */
  readonly adds: Readonly<Record<string, number>>
  /** How many of the corpus it must store (so it is not simply refusing everything). */
  readonly minStored: number
}

const TARGETS: readonly Target[] = [
  {
    name: "UserCreate.firstName",
    create: (s, value) =>
      createUser(s, { email: `${unique("bad")}@example.com`, firstName: value, lastName: value }),
    readBack: async (s, id) => {
      const user = await s.get(User, id)
      expect(user?.lastName).toBe(user?.firstName)
      return user?.firstName
    },
    adds: { user: 1 },
    minStored: 25,
  },
  {
    name: "ProjectCreate.name",
    create: (s, value, c) => createProject(s, { name: value, orchestratorId: c.orchestratorId }),
    readBack: async (s, id) => (await s.get(Project, id))?.name,
    adds: { project: 1 },
    minStored: 25,
  },
  {
    name: "OperatorCreate.instructions",
    create: (s, value, c) =>
      createOperator(s, {
        instructions: value,
        name: unique("op"),
        title: "developer",
        orchestratorId: c.orchestratorId,
      }),
    readBack: async (s, id) => (await s.get(Operator, id))?.instructions,
    // And its direct-message project.
    adds: { operator: 1, project: 1 },
    minStored: 28,
  },
  {
    name: "MessageCreate.prompt",
    create: (s, value, c) =>
      createMessage(s, {
        type: "textmessage",
        content: "{}",
        prompt: value,
        projectId: c.projectId,
        userId: c.userId,
      }),
    readBack: async (s, id) => (await getMessage(s, id))?.prompt,
    adds: { message: 1 },
    minStored: 28,
  },
  {
    name: "MessageCreate.content (as JSON text)",
    create: (s, value, c) =>
      createMessage(s, {
        type: "textmessage",
        content: JSON.stringify({ text: value }),
        projectId: c.projectId,
        userId: c.userId,
      }),
    readBack: async (s, id) => {
      const message = await getMessage(s, id)
      // The content is stored as it was given; JSON.stringify escapes lone surrogates.
      const text = (JSON.parse(message!.content) as { text: string }).text
      const decoded = message!.toObj()
      expect(decoded).toBeInstanceOf(TextMessage)
      expect((decoded as TextMessage).text).toBe(text)
      return text
    },
    adds: { message: 1 },
    // NUL too: JSON.stringify escapes it.
    minStored: 30,
  },
  {
    name: "MessageCreate.content (raw)",
    create: (s, value, c) =>
      createMessage(s, {
        type: "textmessage",
        content: value,
        projectId: c.projectId,
        userId: c.userId,
      }),
    readBack: async (s, id) => (await getMessage(s, id))?.content,
    adds: { message: 1 },
    // Only JSON text is content.
    minStored: 1,
  },
  {
    name: "MessageCreate.type",
    create: (s, value, c) =>
      createMessage(s, { type: value, content: "[]", projectId: c.projectId, userId: c.userId }),
    readBack: async (s, id) => (await getMessage(s, id))?.type,
    adds: { message: 1 },
    minStored: 25,
  },
]

/** JSON.parse, typed as what it is: anything. */
function parseJson(text: string): unknown {
  return JSON.parse(text)
}

/** No lone surrogates: the string has a UTF-8 encoding. */
function isWellFormed(value: string): boolean {
  return !/\p{Cs}/u.test(value)
}

function expected(before: Record<string, number>, adds: Readonly<Record<string, number>>) {
  const after = { ...before }
  for (const [table, count] of Object.entries(adds)) after[table] = (after[table] ?? 0) + count
  return after
}

/** Own property names of the prototypes input could reach. */
function prototypeSnapshot(): Record<string, string[]> {
  const prototypes: Record<string, object> = {
    Object: Object.prototype,
    Array: Array.prototype,
    Function: Function.prototype,
    String: String.prototype,
    User: User.prototype,
    Message: Message.prototype,
    UserCreate: UserCreate.prototype,
    MessageCreate: MessageCreate.prototype,
    TextMessage: TextMessage.prototype,
  }
  return Object.fromEntries(
    Object.entries(prototypes).map(([name, prototype]) => [
      name,
      Reflect.ownKeys(prototype).map(String).sort(),
    ]),
  )
}

function expectNoPollution(snapshot: Record<string, string[]>): void {
  const probe = {} as Record<string, unknown>
  for (const key of ["polluted", "isAdmin", "email", "text"]) expect(probe[key]).toBeUndefined()
  expect(prototypeSnapshot()).toEqual(snapshot)
}

/** Bytes of a string as UTF-8, for a byte-for-byte comparison (`===` first, for the message). */
function expectSameBytes(actual: string | null | undefined, wanted: string): void {
  expect(actual).toBe(wanted)
  expect(Buffer.from(actual!, "utf8").equals(Buffer.from(wanted, "utf8"))).toBe(true)
}

/** Names of Object.prototype members, as keys of input. */
const OBJECT_MEMBERS = [
  "hasOwnProperty",
  "toString",
  "valueOf",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__lookupGetter__",
]

describeEachDatabase("hostile input", (db) => {
  let conversation: Conversation
  let snapshot: Record<string, string[]>
  const outcomes: string[] = []

  beforeAll(async () => {
    snapshot = prototypeSnapshot()
    conversation = await seedConversation(db().dataSource)
  })

  afterAll(() => {
    expectNoPollution(snapshot)
  })

  /**
   * Runs `attempt` in a session and commits when it succeeds. Returns the outcome; asserts the
   * row counts: unchanged after a ValidationError, moved by exactly `adds` after success.
   */
  async function attempt<T>(
    label: string,
    work: (s: Session) => Promise<T>,
    adds: Readonly<Record<string, number>>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: ValidationError }> {
    const { dataSource } = db()
    const before = await countAll(dataSource)
    const session = new Session(dataSource)
    let outcome: { ok: true; value: T } | { ok: false; error: ValidationError }
    try {
      outcome = { ok: true, value: await work(session) }
      await session.commit()
    } catch (error) {
      if (!(error instanceof ValidationError)) {
        throw new Error(
          `${label}: expected success or a ValidationError, got ${String(error)} (${(error as ConcreteDbError).name})`,
          { cause: error },
        )
      }
      outcome = { ok: false, error }
      // Whatever was staged is not written, even on an explicit commit.
      await session.commit()
    } finally {
      await session.close()
    }
    expect({ label, counts: await countAll(dataSource) }).toEqual({
      label,
      counts: outcome.ok ? expected(before, adds) : before,
    })
    outcomes.push(`${label}: ${outcome.ok ? "stored" : "rejected"}`)
    return outcome
  }

  for (const target of TARGETS) {
    it(`stores or rejects every hostile string in ${target.name}`, async () => {
      const stored: string[] = []
      for (const [label, value] of HOSTILE_STRINGS) {
        const outcome = await attempt(
          `${target.name} <- ${label}`,
          (s) => target.create(s, value, conversation),
          target.adds,
        )
        if (!outcome.ok) {
          expect(outcome.error.issues.map((issue) => issue.property).join()).toMatch(
            new RegExp(`${target.name.split(" ")[0]!.replace(".", "\\.")}`),
          )
          continue
        }
        stored.push(label)
        const read = await withSession((s) => target.readBack(s, outcome.value.id), db().dataSource)
        expectSameBytes(read, value)
      }
      // Tables are all still there, and the corpus was not simply refused wholesale.
      for (const table of TABLES)
        await db().dataSource.query(
          `SELECT 1 FROM ${db().dataSource.driver.escape(table)} WHERE 1 = 0`,
        )
      expect(stored.length).toBeGreaterThanOrEqual(target.minStored)
    })
  }

  it("rejects strings with lone surrogates with a ValidationError", async () => {
    for (const target of TARGETS) {
      for (const [label, value] of LONE_SURROGATES) {
        const outcome = await attempt(
          `${target.name} <- ${label}`,
          (s) => target.create(s, value, conversation),
          target.adds,
        )
        // JSON text escapes them (\ud800), so content built with JSON.stringify is fine.
        if (target.name === "MessageCreate.content (as JSON text)") continue
        expect({ label, target: target.name, ok: outcome.ok }).toEqual({
          label,
          target: target.name,
          ok: false,
        })
      }
    }
  })

  it("never refuses a hostile string a field can hold for a reason other than its rules", async () => {
    // Strings without NUL that fit 64 characters: a name must take them (or say it is empty).
    const fresh = await seedConversation(db().dataSource)
    for (const [label, value] of HOSTILE_STRINGS) {
      const fits = !value.includes("\u0000") && [...value].length <= 64 && value.length > 0
      const outcome = await attempt(
        `ProjectCreate.name (rules) <- ${label}`,
        (s) => createProject(s, { name: value, orchestratorId: fresh.orchestratorId }),
        { project: 1 },
      )
      if (fits && isWellFormed(value))
        expect({ label, ok: outcome.ok }).toEqual({ label, ok: true })
    }
  })

  it("stores or rejects hostile emails, and finds a stored one by exactly its value", async () => {
    const stored: string[] = []
    for (const email of HOSTILE_EMAILS) {
      const outcome = await attempt(
        `UserCreate.email <- ${JSON.stringify(email)}`,
        (s) => createUser(s, { email }),
        {
          user: 1,
        },
      )
      if (!outcome.ok) {
        expect(outcome.error.issues.map((issue) => issue.property)).toContain("UserCreate.email")
        continue
      }
      stored.push(email)
      const found = await withSession((s) => getUser(s, email), db().dataSource)
      expectSameBytes(found?.email, email)
    }
    expect(stored).toEqual(expect.arrayContaining([...EMAILS_STORED]))
    for (const email of EMAILS_REFUSED) expect(stored).not.toContain(email)
  })

  it("treats hostile lookup keys as data: exact matches only, no error, no write", async () => {
    const before = await countAll(db().dataSource)
    let promptsFound = 0
    let projectsFound = 0
    await withSession(async (s) => {
      for (const [, value] of HOSTILE_STRINGS) {
        const user = await getUser(s, value)
        if (user) expect(user.email).toBe(value)
        // The prompt and project-name targets above stored these values.
        for (const message of await getMessages(s, conversation.projectId, { prompt: value })) {
          expect(message.prompt).toBe(value)
          promptsFound += 1
        }
        const project = await getProjectByName(s, value, conversation.orchestratorId)
        if (project) {
          expect(project.name).toBe(value)
          projectsFound += 1
        }
        expect(await getMessage(s, value)).toBeNull()
      }
    }, db().dataSource)
    expect(promptsFound).toBeGreaterThanOrEqual(25)
    expect(projectsFound).toBeGreaterThanOrEqual(25)
    expect(await countAll(db().dataSource)).toEqual(before)
  })

  it("stores a 10 MB message content byte for byte and rejects one over 12 MiB", async () => {
    const unit = `🤖 é "quoted" \\ ${"x".repeat(40)}\n`
    const text = unit.repeat(Math.ceil((10 * 1024 * 1024) / Buffer.byteLength(unit)))
    const content = JSON.stringify({ text })
    expect(Buffer.byteLength(content)).toBeGreaterThan(10 * 1024 * 1024)
    const stored = await attempt(
      "10 MB content",
      (s) =>
        createMessage(s, {
          type: "textmessage",
          content,
          prompt: text.slice(0, 100_000),
          projectId: conversation.projectId,
          userId: conversation.userId,
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
    const refused = await attempt(
      "13 MB content",
      (s) =>
        createMessage(s, {
          type: "textmessage",
          content: tooBig,
          projectId: conversation.projectId,
          userId: conversation.userId,
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
      const outcome = await attempt(
        `ClientCreate.temperature <- ${label}`,
        (s) =>
          createClient(s, {
            temperature: temperature as number,
            orchestratorId: conversation.orchestratorId,
            operatorId: conversation.operatorId,
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
          const error = await getMessages(s, conversation.projectId, {
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
          await getMessages(s, conversation.projectId, { skip: 2 ** 31, limit: 1_000 }),
        ),
      ).toBe(true)
      const overCap = await getMessages(s, conversation.projectId, { limit: 2 ** 40 }).catch(
        (caught: unknown) => caught,
      )
      expect(overCap).toBeInstanceOf(ValidationError)
      expect((overCap as ValidationError).issues.map((issue) => issue.property)).toEqual([
        "Pagination.limit",
      ])
    }, db().dataSource)
  })

  it("rejects wrong types and arrays where objects belong, naming the field", async () => {
    const valid = {
      type: "textmessage",
      content: "{}",
      projectId: conversation.projectId,
      userId: conversation.userId,
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
      ["projectId", [conversation.projectId]],
      ["projectId", "not-a-uuid"],
      ["projectId", `${conversation.projectId}'; --`],
      ["userId", { id: conversation.userId }],
      ["userId", true],
    ]
    for (const [field, value] of fieldCases) {
      const outcome = await attempt(
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
      const outcome = await attempt(
        `MessageCreate <- ${label}`,
        (s) => createMessage(s, input as MessageCreate),
        { message: 1 },
      )
      expect(outcome.ok).toBe(false)
      const userOutcome = await attempt(
        `UserCreate <- ${label}`,
        (s) => createUser(s, input as UserCreate),
        { user: 1 },
      )
      expect(userOutcome.ok).toBe(false)
    }

    // An unknown property, and an inherited one: neither gets through.
    const unknown = await attempt(
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
        await attempt("UserCreate with an inherited email", (s) => createUser(s, inherited), {
          user: 1,
        })
      ).ok,
    ).toBe(false)
  })

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
      const outcome = await attempt(
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
      expectNoPollution(snapshot)
      // parseDto alone as well, for another DTO.
      await expect(parseDto(OrchestratorCreate, input)).rejects.toThrow(ValidationError)
      expectNoPollution(snapshot)
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
    expectNoPollution(snapshot)
  })

  it("neither crashes nor pollutes on keys named after Object.prototype members", async () => {
    for (const key of OBJECT_MEMBERS) {
      for (const value of [1, "x", null, { polluted: "yes" }, ["x"]]) {
        const input = JSON.parse(
          JSON.stringify({ email: `${unique("member")}@example.com`, [key]: value }),
        ) as UserCreate
        const outcome = await attempt(`UserCreate.${key}`, (s) => createUser(s, input), {
          user: 1,
        })
        // Every such key is an unknown property: refused by name, never copied or dropped.
        expect({ key, ok: outcome.ok }).toEqual({ key, ok: false })
        expect((outcome as { error: ValidationError }).error.issues.map((i) => i.property)).toEqual(
          [`UserCreate.${key}`],
        )
        expectNoPollution(snapshot)
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
      const outcome = await attempt(
        `content ${content.slice(0, 40)}`,
        (s) =>
          createMessage(s, {
            type: "textmessage",
            content,
            projectId: conversation.projectId,
            userId: conversation.userId,
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
      expectNoPollution(snapshot)
    }
  })

  it("leaves a summary of what was stored and what was rejected", () => {
    expect(outcomes.length).toBeGreaterThan(100)
    expectNoPollution(snapshot)
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
