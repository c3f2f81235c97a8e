import { inspect } from "node:util"
import {
  AbstractLogger,
  type DataSource,
  type LoggerOptions,
  type MigrationInterface,
  type QueryRunner,
} from "typeorm"
import type { LogLevel, LogMessage } from "typeorm/logger/Logger"
import {
  ConcreteDbError,
  ConnectionError,
  LlmClientError,
  Message,
  OpenAICompatibleClient,
  Session,
  TextMessage,
  User,
  createDataSource,
  dataSourceOptionsFromEnv,
  describeTarget,
  migrate,
  withTransaction,
  type Env,
} from "../../src"
import { StubChatServer, completion } from "../clients/stub-chat-server"
import { describeEachDatabase } from "../support/databases"
import { make, unique } from "../support/graph"
import { MARIADB, POSTGRES } from "../support/servers"
import {
  BlackHole,
  type Conversation,
  TcpProxy,
  createMariaDbUser,
  freePort,
  seedConversation,
} from "./fixtures/helpers"

// Secrets: with a database password and an LLM API key configured, every error path we can force
// (bad configuration, refused and timed-out connections, a wrong password, a connection the server
// kills, constraint and query errors, a failing migration, LLM HTTP errors, timeouts and network
// failures), at every TypeORM logging level and through TypeORM's own console loggers: neither
// secret appears in any log line, error message, stack, String(error) or util.inspect(error).
// The CLI's output: secrets-cli.test.ts.

const DB_PASSWORD = `dbpw-${Math.random().toString(36).slice(2)}-Zq9!`
const WRONG_PASSWORD = `wrongpw-${Math.random().toString(36).slice(2)}-Xk7?`
const API_KEY = `sk-test-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
const SECRETS = [DB_PASSWORD, WRONG_PASSWORD, API_KEY]

/** Everything a person or a log shipper could see of an error, its causes included. */
function renderings(error: unknown): string[] {
  const shown = [
    String(error),
    inspect(error, { depth: 20 }),
    inspect(error, { depth: 20, showHidden: true }),
  ]
  let current: unknown = error
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (current instanceof Error) shown.push(current.message, current.stack ?? "", String(current))
    try {
      shown.push(JSON.stringify(current) ?? "")
    } catch {
      // circular: inspect above covers it
    }
    current = (current as { cause?: unknown }).cause
  }
  return shown
}

function expectNoSecret(where: string, texts: readonly string[]): void {
  for (const text of texts) {
    for (const secret of SECRETS) {
      if (text.includes(secret)) {
        throw new Error(`${where} shows a secret: ${text.slice(0, 2_000)}`)
      }
    }
  }
}

/** A TypeORM logger keeping every line, formatted as TypeORM's own loggers format them. */
class CapturingLogger extends AbstractLogger {
  readonly lines: string[] = []

  constructor(options: LoggerOptions) {
    super(options)
  }

  protected writeLog(
    level: LogLevel,
    message: LogMessage | string | number | Array<LogMessage | string | number>,
  ): void {
    const prepared = this.prepareLogMessages(message, {
      highlightSql: false,
      formatSql: false,
      appendParameterAsComment: true,
      addColonToPrefix: true,
    })
    for (const entry of prepared) {
      this.lines.push(`${level} ${entry.prefix ?? ""} ${String(entry.message)}`)
    }
    this.lines.push(inspect(message, { depth: 20 }))
  }
}

const LOGGING_LEVELS: readonly LoggerOptions[] = [
  "all",
  true,
  ["query"],
  ["error"],
  ["schema"],
  ["warn"],
  ["info"],
  ["log"],
  ["migration"],
]

/** Collects what was written to stdout, stderr and the console while `work` runs. */
async function capturingOutput(work: () => Promise<void>): Promise<string[]> {
  const output: string[] = []
  const record = (...args: unknown[]) => {
    output.push(args.map((arg) => (typeof arg === "string" ? arg : inspect(arg))).join(" "))
  }
  const spies = [
    jest.spyOn(console, "log").mockImplementation(record),
    jest.spyOn(console, "info").mockImplementation(record),
    jest.spyOn(console, "warn").mockImplementation(record),
    jest.spyOn(console, "error").mockImplementation(record),
    jest.spyOn(console, "debug").mockImplementation(record),
  ]
  try {
    await work()
  } finally {
    for (const spy of spies) spy.mockRestore()
  }
  return output
}

describe("secrets in configuration errors", () => {
  const server: Env = {
    DB_DRIVER: "postgresql",
    DB_USERNAME: "app",
    DB_PASSWORD,
    DB_HOST: "db.example.com",
    DB_PORT: "5432",
    DB_DATABASE: "concrete",
  }
  const cases: ReadonlyArray<readonly [string, Env]> = [
    ["a missing host", { ...server, DB_HOST: undefined }],
    ["a bad port", { ...server, DB_PORT: "fifty" }],
    ["an unknown driver", { ...server, DB_DRIVER: "oracle" }],
    ["no driver", { ...server, DB_DRIVER: undefined }],
    ["a bad connect timeout", { ...server, DB_CONNECT_TIMEOUT_MS: "-5" }],
    ["a bad pool size", { ...server, DB_POOL_SIZE: "many" }],
    ["a bad DB_SSL", { ...server, DB_SSL: "maybe" }],
    [
      "a URL and DB_* at once",
      { ...server, DATABASE_URL: `postgresql://app:${DB_PASSWORD}@db/concrete` },
    ],
    [
      "a URL with a bad port",
      { DATABASE_URL: `postgresql://app:${DB_PASSWORD}@db:99999/concrete` },
    ],
    ["a URL without a host", { DATABASE_URL: `mysql://app:${DB_PASSWORD}@/concrete` }],
    ["a URL without a database", { DATABASE_URL: `mysql://app:${DB_PASSWORD}@db:3306` }],
    ["a URL with an unknown scheme", { DATABASE_URL: `oracle://app:${DB_PASSWORD}@db/concrete` }],
    [
      "a URL that does not parse",
      { DATABASE_URL: `postgresql://app:${DB_PASSWORD}@[bad/concrete` },
    ],
    ["a password pasted as the URL", { DATABASE_URL: DB_PASSWORD }],
    ["a URL with a password and no user", { DATABASE_URL: `postgresql://:${DB_PASSWORD}@db/x` }],
  ]

  it.each(cases)("does not show the password for %s", (_label, env) => {
    let error: unknown
    try {
      createDataSource({ env })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConcreteDbError)
    expectNoSecret(`ConfigurationError for ${_label}`, renderings(error))
  })

  it("masks the password wherever a data source is described", () => {
    const options = dataSourceOptionsFromEnv(server)
    expectNoSecret("describeTarget", [describeTarget(options)])
    const fromUrl = dataSourceOptionsFromEnv({
      DATABASE_URL: `mysql://app:${encodeURIComponent(DB_PASSWORD)}@db:3306/concrete`,
    })
    expect((fromUrl as { password?: string }).password).toBe(DB_PASSWORD)
    expectNoSecret("describeTarget", [describeTarget(fromUrl)])
  })
})

describeEachDatabase(
  "secrets in database errors and logs",
  (db) => {
    let conversation: Conversation
    let username: string
    let dropUser: (() => Promise<void>) | undefined
    const opened: DataSource[] = []

    beforeAll(async () => {
      conversation = await seedConversation(db().dataSource)
      if (db().kind === "mariadb") {
        const created = await createMariaDbUser(String(db().env.DB_DATABASE), DB_PASSWORD)
        username = created.user
        dropUser = created.drop
      } else {
        username = POSTGRES.user // trust authentication: any password is accepted
      }
    })

    afterAll(async () => {
      for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy()
      await dropUser?.()
    })

    function env(overrides: Env = {}): Env {
      return {
        ...db().env,
        DB_USERNAME: username,
        DB_PASSWORD,
        DB_CONNECT_TIMEOUT_MS: "1500",
        ...overrides,
      }
    }

    function open(logging: LoggerOptions, logger: unknown, overrides: Env = {}, extra = {}) {
      const dataSource = createDataSource({
        env: env(overrides),
        logging,
        logger: logger as CapturingLogger,
        maxQueryExecutionTime: 1,
        ...extra,
      })
      opened.push(dataSource)
      return dataSource
    }

    const message = (fields: Partial<Message>) =>
      make(Message, {
        type: "textmessage",
        content: JSON.stringify({ text: "secret test" }),
        projectId: conversation.projectId,
        userId: conversation.userId,
        ...fields,
      })

    /** Runs `work`, expecting it to fail; returns the error. */
    async function failure(label: string, work: () => Promise<unknown>): Promise<unknown> {
      try {
        await work()
      } catch (error) {
        return error
      }
      throw new Error(`${label}: expected a failure`)
    }

    /** Every error path against a reachable server, with the data source's logging as given. */
    async function errorPaths(logging: LoggerOptions, logger: unknown): Promise<unknown[]> {
      const errors: unknown[] = []
      const dataSource = open(logging, logger)
      // A working session first, so the logs have queries with parameters.
      await withTransaction((s) => Promise.resolve(s.add(message({ prompt: "works" }))), dataSource)
      const email = `${unique("secret")}@example.com`
      await withTransaction((s) => Promise.resolve(s.add(make(User, { email }))), dataSource)
      errors.push(
        await failure("unique", () =>
          withTransaction((s) => Promise.resolve(s.add(make(User, { email }))), dataSource),
        ),
        await failure("foreign key", () =>
          withTransaction(
            (s) =>
              Promise.resolve(
                s.add(message({ projectId: "01900000-0000-7000-8000-000000000000" })),
              ),
            dataSource,
          ),
        ),
        await failure("check", () =>
          withTransaction(
            (s) => Promise.resolve(s.add(message({ operatorId: conversation.operatorId }))),
            dataSource,
          ),
        ),
        await failure("not null", () =>
          withTransaction((s) => Promise.resolve(s.add(new User())), dataSource),
        ),
        await failure("missing table", () =>
          withTransaction((s) => s.manager.query("SELECT * FROM no_such_table"), dataSource),
        ),
        await failure("syntax", () =>
          withTransaction((s) => s.manager.query("SELEC 1"), dataSource),
        ),
      )
      // TypeORM's own API (not a session) throws TypeORM's error; it must not show secrets either.
      const typeormError = await failure("TypeORM query error", () =>
        dataSource.query("SELECT * FROM nope_again"),
      )
      // A connection the server kills in the middle of a transaction.
      const session = new Session(dataSource)
      session.add(message({ prompt: "killed" }))
      await session.flush()
      const idSql =
        db().kind === "postgres" ? "SELECT pg_backend_pid() AS id" : "SELECT CONNECTION_ID() AS id"
      const rows = await session.manager.query<Array<{ id: number | string }>>(idSql)
      const id = rows[0]!.id
      await db().dataSource.query(
        db().kind === "postgres"
          ? `SELECT pg_terminate_backend(${Number(id)})`
          : `KILL ${Number(id)}`,
      )
      errors.push(await failure("killed connection", () => session.commit()))
      await session.close()
      // A failing migration.
      class Broken1900000000000 implements MigrationInterface {
        name = "Broken1900000000000"
        async up(queryRunner: QueryRunner): Promise<void> {
          await queryRunner.query("CREATE TABLE broken_secret (id INT, id INT)")
        }
        async down(): Promise<void> {}
      }
      const migrating = open(logging, logger, {}, { migrations: [Broken1900000000000] })
      await migrating.initialize()
      errors.push(await failure("migration", () => migrate(migrating)))
      // The server goes away behind a proxy.
      const target = db().kind === "postgres" ? POSTGRES : MARIADB
      const proxy = new TcpProxy(target.host, target.port)
      await proxy.open()
      const proxied = open(logging, logger, { DB_HOST: "127.0.0.1", DB_PORT: String(proxy.port) })
      await withTransaction((s) => Promise.resolve(s.add(message({}))), proxied)
      await proxy.close()
      errors.push(
        await failure("server gone", () =>
          withTransaction((s) => Promise.resolve(s.add(message({}))), proxied),
        ),
      )
      // Refused.
      const refused = open(logging, logger, { DB_PORT: String(await freePort()) })
      errors.push(
        await failure("refused", () =>
          withTransaction((s) => Promise.resolve(s.add(message({}))), refused),
        ),
      )
      if (db().kind === "mariadb") {
        const wrong = open(logging, logger, { DB_PASSWORD: WRONG_PASSWORD })
        const error = await failure("wrong password", () =>
          withTransaction((s) => Promise.resolve(s.add(message({}))), wrong),
        )
        expect(error).toBeInstanceOf(ConnectionError)
        errors.push(error)
      }
      for (const error of errors) expect(error).toBeInstanceOf(ConcreteDbError)
      // Pool errors of killed connections are logged a moment later: let them arrive, and close
      // what this run opened while its output is still captured.
      await new Promise((resolve) => setTimeout(resolve, 200))
      for (const opened of [dataSource, migrating, proxied, refused]) {
        if (opened.isInitialized) await opened.destroy()
      }
      return [...errors, typeormError]
    }

    it.each(LOGGING_LEVELS.map((level) => [JSON.stringify(level), level] as const))(
      "shows no secret in errors or logs with logging %s",
      async (_label, logging) => {
        const logger = new CapturingLogger(logging)
        let errors: unknown[] = []
        const output = await capturingOutput(async () => {
          errors = await errorPaths(logging, logger)
        })
        if (logging === "all") {
          // The logger saw the work: queries, their errors and the migration.
          expect(logger.lines.length).toBeGreaterThan(20)
          expect(logger.lines.join("\n")).toMatch(/INSERT INTO/)
          expect(logger.lines.join("\n")).toMatch(/no_such_table|nope_again/)
        }
        expectNoSecret(`log lines (${_label})`, logger.lines)
        expectNoSecret(`console output (${_label})`, output)
        for (const error of errors) expectNoSecret(`error (${_label})`, renderings(error))
      },
    )

    it.each(["advanced-console", "simple-console", "formatted-console"] as const)(
      "shows no secret through TypeORM's %s logger",
      async (logger) => {
        let errors: unknown[] = []
        const output = await capturingOutput(async () => {
          errors = await errorPaths("all", logger)
        })
        expect(output.join("\n")).toMatch(/INSERT INTO/)
        expectNoSecret(`${logger} output`, output)
        for (const error of errors) expectNoSecret(`error (${logger})`, renderings(error))
      },
    )

    it("shows no secret when the connection times out", async () => {
      const blackHole = new BlackHole()
      await blackHole.start()
      try {
        const logger = new CapturingLogger("all")
        let error: unknown
        const output = await capturingOutput(async () => {
          const dataSource = open("all", logger, {
            DB_HOST: "127.0.0.1",
            DB_PORT: String(blackHole.port),
          })
          error = await failure("timeout", () =>
            withTransaction((s) => Promise.resolve(s.add(message({}))), dataSource),
          )
        })
        expect(error).toBeInstanceOf(ConnectionError)
        expectNoSecret("timeout", [...renderings(error), ...logger.lines, ...output])
      } finally {
        await blackHole.stop()
      }
    })
  },
  { only: ["postgres", "mariadb"] },
)

describe("secrets in LLM client errors", () => {
  const stub = new StubChatServer()

  beforeAll(() => stub.start())
  afterAll(() => stub.stop())

  const request = {
    messages: [{ role: "user" as const, content: "hello" }],
    responseType: TextMessage,
  }

  function echo(status: number, body: (authorization: string) => unknown) {
    stub.reply = (received) => {
      const authorization = String(received.headers.authorization ?? "")
      const reply = body(authorization)
      return typeof reply === "string" ? { status, text: reply } : { status, json: reply }
    }
  }

  const hostileServers: ReadonlyArray<readonly [string, () => void]> = [
    [
      "HTTP 401 echoing the key",
      () =>
        echo(401, (auth) => ({
          error: { message: `Incorrect API key provided: ${auth.replace("Bearer ", "")}` },
        })),
    ],
    ["HTTP 500 echoing the header", () => echo(500, (auth) => `upstream failed for ${auth}`)],
    ["HTTP 429 with the key in JSON", () => echo(429, (auth) => ({ key: auth, retry: 1 }))],
    ["a body that is not JSON", () => echo(200, (auth) => `<html>${auth}</html>`)],
    [
      "an answer that is not JSON",
      () => echo(200, (auth) => completion({ content: `not json ${auth}` })),
    ],
    [
      "an answer of the wrong shape",
      () => echo(200, (auth) => completion({ content: JSON.stringify({ wrong: auth }) })),
    ],
    ["a refusal", () => echo(200, (auth) => completion({ refusal: `I saw ${auth}` }))],
    ["no choices", () => echo(200, (auth) => ({ choices: [], note: auth }))],
    ["a hang (timeout)", () => (stub.reply = () => "hang")],
  ]

  it.each(hostileServers)("shows no key for %s", async (_label, arrange) => {
    arrange()
    for (const client of [
      new OpenAICompatibleClient({ baseUrl: stub.baseUrl, apiKey: API_KEY, timeoutMs: 500 }),
      new OpenAICompatibleClient({
        env: { OPENAI_BASE_URL: stub.baseUrl, OPENAI_API_KEY: API_KEY },
        timeoutMs: 500,
      }),
    ]) {
      const received = stub.received.length
      const error = await client.complete(request).then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(LlmClientError)
      // The key did reach the server (so the server could echo it).
      expect(stub.received[received]?.headers.authorization).toBe(`Bearer ${API_KEY}`)
      expectNoSecret(`LLM error (${_label})`, [
        ...renderings(error),
        `${client as unknown as string}`,
        inspect(client, { depth: 10, showHidden: true }),
        JSON.stringify(client),
      ])
    }
  })

  function constructionError(baseUrl: string): unknown {
    try {
      new OpenAICompatibleClient({ baseUrl, apiKey: API_KEY })
    } catch (caught) {
      return caught
    }
    throw new Error(`the base URL ${baseUrl.length} was accepted`)
  }

  it("shows no key when the server is unreachable or an http(s) base URL carries it", async () => {
    const port = await freePort()
    const client = new OpenAICompatibleClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      apiKey: API_KEY,
      timeoutMs: 1_000,
    })
    const error = await client.complete(request).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LlmClientError)
    expectNoSecret("network error", renderings(error))
    for (const baseUrl of [
      `https://user:${API_KEY}@llm.example.com/v1`,
      `https://${API_KEY}@llm.example.com/v1`,
      `https://llm.example.com/v1?key=${API_KEY}`,
      `https://llm.example.com/v1#${API_KEY}`,
    ]) {
      const thrown = constructionError(baseUrl)
      expect(thrown).toBeInstanceOf(ConcreteDbError)
      expectNoSecret(`base URL ${baseUrl.length}`, renderings(thrown))
    }
  })

  it("shows no key when a non-http base URL carries it or the key is given as the URL", () => {
    for (const baseUrl of [`ftp://${API_KEY}@llm.example.com`, API_KEY]) {
      const thrown = constructionError(baseUrl)
      expect(thrown).toBeInstanceOf(ConcreteDbError)
      expectNoSecret(`base URL ${baseUrl.length}`, renderings(thrown))
    }
  })
})
