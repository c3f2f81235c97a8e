import { Test } from "@nestjs/testing"
import type { DataSource } from "typeorm"
import { ConfigurationError, User, createUser, uuidv7 } from "../../src"
import { CONCRETE_DB_DATA_SOURCE, ConcreteDbModule, SessionFactory } from "../../src/nest"
import { describeEachDatabase } from "../support/databases"
import { UsersController, request, startApp } from "./users-app"

// How the module starts and stops, on SQLite (the same on every database: the module only calls
// createDataSource, migrate and destroy).
describeEachDatabase(
  "ConcreteDbModule lifecycle",
  (db) => {
    const saved: Record<string, string | undefined> = {}

    beforeAll(() => {
      for (const [name, value] of Object.entries(db().env)) {
        saved[name] = process.env[name]
        process.env[name] = value
      }
    })

    afterAll(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    })

    it("forRoot() builds the data source from the environment, and app.close() destroys it", async () => {
      const { app, url } = await startApp({
        imports: [ConcreteDbModule.forRoot()],
        controllers: [UsersController],
      })
      const dataSource = app.get<DataSource>(CONCRETE_DB_DATA_SOURCE)
      expect(dataSource.isInitialized).toBe(true)
      expect(dataSource.options.database).toBe(db().env.DB_DATABASE)
      const address = `env-${uuidv7().slice(-12)}@example.com`
      expect((await request(`${url}/users`, "POST", { email: address })).status).toBe(201)
      await app.close()
      expect(dataSource.isInitialized).toBe(false)
    })

    it("SessionFactory opens sessions on the module's data source", async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [ConcreteDbModule.forRoot({ dataSource: { env: db().env } })],
      }).compile()
      const app = moduleRef.createNestApplication({ logger: false })
      await app.init()
      const sessions = app.get(SessionFactory)
      const address = `factory-${uuidv7().slice(-12)}@example.com`
      const user = await sessions.withTransaction((session) =>
        createUser(session, { email: address }),
      )
      expect(await db().dataSource.getRepository(User).findOneBy({ email: address })).toMatchObject(
        {
          id: user.id,
        },
      )
      expect(sessions.dataSource).toBe(app.get(CONCRETE_DB_DATA_SOURCE))
      await app.close()
    })

    it("exceptionFilter: false leaves the package's errors to Nest (a duplicate is then a bare 500)", async () => {
      const { app, url } = await startApp({
        imports: [ConcreteDbModule.forRoot({ exceptionFilter: false })],
        controllers: [UsersController],
      })
      const address = `nofilter-${uuidv7().slice(-12)}@example.com`
      try {
        expect((await request(`${url}/users`, "POST", { email: address })).status).toBe(201)
        expect(await request(`${url}/users`, "POST", { email: address })).toEqual({
          status: 500,
          body: { statusCode: 500, message: "Internal server error" },
        })
      } finally {
        await app.close()
      }
    })

    it("a bad configuration stops the application from starting, naming every problem", async () => {
      const moduleRef = Test.createTestingModule({
        imports: [
          ConcreteDbModule.forRoot({ dataSource: { env: { DB_DRIVER: "oracle", DB_PORT: "x" } } }),
        ],
      })
      const failure = await moduleRef.compile().catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(ConfigurationError)
      const problems = (failure as ConfigurationError).problems.join("\n")
      expect(problems).toMatch(/DB_DRIVER "oracle" is not a known driver/)
      expect(problems).toMatch(/DB_PORT must be a port number/)
    })
  },
  { only: ["sqlite"] },
)
