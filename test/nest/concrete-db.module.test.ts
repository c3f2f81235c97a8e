import type { INestApplication } from "@nestjs/common"
import type { DataSource } from "typeorm"
import { User, uuidv7 } from "../../src"
import { CONCRETE_DB_DATA_SOURCE, ConcreteDbModule } from "../../src/nest"
import { describeEachDatabase } from "../support/databases"
import { UsersController, request, startApp } from "./users-app"

// A Nest application with ConcreteDbModule and a users controller, over real HTTP (fetch against
// app.listen(0)), on a database of its own per kind: the module migrates the empty database when
// the application starts.
describeEachDatabase(
  "ConcreteDbModule over HTTP",
  (db) => {
    let app: INestApplication
    let url: string
    let dataSource: DataSource

    beforeAll(async () => {
      ;({ app, url } = await startApp({
        imports: [
          ConcreteDbModule.forRootAsync({
            useFactory: () => Promise.resolve({ dataSource: { env: db().env } }),
          }),
        ],
        controllers: [UsersController],
      }))
      dataSource = app.get<DataSource>(CONCRETE_DB_DATA_SOURCE)
    })

    afterAll(async () => {
      await app?.close()
    })

    const email = (tag: string): string => `${tag}-${uuidv7().slice(-12)}@example.com`
    const committedUsers = async (address: string): Promise<number> =>
      db().dataSource.getRepository(User).countBy({ email: address })

    it("starts with the package's migrations applied to the empty database", async () => {
      const applied = await db().dataSource.query("SELECT name FROM migrations")
      expect((applied as unknown[]).length).toBe(dataSource.migrations.length)
      expect(dataSource.migrations.length).toBeGreaterThan(0)
    })

    it("POST /users creates the user on the request's session and commits: 201 with JSON", async () => {
      const address = email("ada")
      const created = await request(`${url}/users`, "POST", { email: address, firstName: "Ada" })
      expect(created.status).toBe(201)
      expect(created.body).toEqual({ id: expect.any(String), email: address, firstName: "Ada" })
      expect(await committedUsers(address)).toBe(1)

      const read = await request(`${url}/users/${String(created.body.id)}`, "GET")
      expect(read).toEqual({ status: 200, body: created.body })
    })

    it("GET /users/:id of a user that does not exist is 404 naming it", async () => {
      const id = uuidv7()
      const missing = await request(`${url}/users/${id}`, "GET")
      expect(missing).toEqual({
        status: 404,
        body: { statusCode: 404, error: "Not Found", message: `User ${id} does not exist.` },
      })
    })

    it("a duplicate email is 409 naming User.email, and the next request writes again", async () => {
      const address = email("twice")
      expect((await request(`${url}/users`, "POST", { email: address })).status).toBe(201)
      const duplicate = await request(`${url}/users`, "POST", { email: address })
      expect(duplicate.status).toBe(409)
      expect(duplicate.body).toMatchObject({ statusCode: 409, error: "Conflict" })
      expect(duplicate.body.message).toMatch(/^User\.email( "twice-[^"]+")? is already taken/)
      expect(await committedUsers(address)).toBe(1)
      // The failed session was closed: a new request gets a usable one.
      expect((await request(`${url}/users`, "POST", { email: email("after") })).status).toBe(201)
    })

    it("an invalid body is 400 with the issue list, and nothing is written", async () => {
      const invalid = await request(`${url}/users`, "POST", { email: "not-an-email", age: 3 })
      expect(invalid.status).toBe(400)
      expect(invalid.body).toMatchObject({ statusCode: 400, error: "Bad Request" })
      const issues = invalid.body.issues as Array<{ property: string; reasons: string[] }>
      expect(issues.map((issue) => issue.property).sort()).toEqual([
        "UserCreate.age",
        "UserCreate.email",
      ])
      expect(issues.find((issue) => issue.property === "UserCreate.email")?.reasons).toEqual([
        "email must be an email",
      ])
      expect(await committedUsers("not-an-email")).toBe(0)
    })

    it("any other error of the package is 500 without SQL, table names or values", async () => {
      const broken = await request(`${url}/users/broken`, "GET")
      expect(broken).toEqual({
        status: 500,
        body: { statusCode: 500, error: "Internal Server Error", message: "Internal server error" },
      })
      expect(JSON.stringify(broken.body)).not.toMatch(/no_such_table|hunter2|SELECT|secret/i)
    })

    it("closes the request's session after the handler: what it did not commit is rolled back", async () => {
      const address = email("uncommitted")
      const answer = await request(`${url}/users/uncommitted`, "POST", { email: address })
      expect(answer.status).toBe(201)
      expect(await committedUsers(address)).toBe(0)
      // On SQLite a session left open would hold the only connection: the next request would wait.
      expect((await request(`${url}/users`, "POST", { email: address })).status).toBe(201)
      expect(await committedUsers(address)).toBe(1)
    })
  },
  { migrate: false },
)
