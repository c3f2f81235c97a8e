import {
  type DataSource,
  type LoggerOptions,
  type MigrationInterface,
  type QueryRunner,
} from "typeorm"
import {
  ConcreteDbError,
  ConnectionError,
  Message,
  Session,
  User,
  createDataSource,
  migrate,
  withTransaction,
  type Env,
} from "../../src"
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
import {
  CapturingLogger,
  DB_PASSWORD,
  LOGGING_LEVELS,
  WRONG_PASSWORD,
  capturingOutput,
  expectNoSecret,
  renderings,
} from "./fixtures/secrets"

// Secrets in database errors and logs: every error path we can force (refused and timed-out
// connections, a wrong password, a connection the server kills, constraint and query errors, a
// failing migration), at every TypeORM logging level and through TypeORM's own console loggers:
// the password appears in no log line, error message, stack, String(error) or
// util.inspect(error). (Shared: fixtures/secrets.ts.)

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
