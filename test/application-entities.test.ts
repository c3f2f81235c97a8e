import {
  type DataSource,
  Column,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  getMetadataArgsStorage,
} from "typeorm"
import {
  MetadataEntity,
  MissingTableError,
  Session,
  Tool,
  UnknownEntityError,
  User,
  createDataSource,
  withSession,
  withTransaction,
} from "../src"
import {
  applicationTables,
  declaredEntities,
  prepareApplicationTables,
  recheckMissingTables,
} from "../src/application-entities"
import { applicationChanges } from "../src/cli/migration-generate-command"
import { describeEachDatabase } from "./support/databases"
import { unique } from "./support/graph"

@Entity()
class Reminder extends MetadataEntity {
  @Index()
  @Column({ type: "varchar", length: 64 })
  title!: string

  @Column({ name: "user_id", type: "uuid" })
  userId!: string

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User

  @ManyToMany(() => Tool)
  @JoinTable({ name: "reminder_tool_link" })
  tools?: Tool[]
}

function newReminder(title: string): { user: User; reminder: Reminder } {
  const user = Object.assign(new User(), { email: `${unique("r")}@example.com` })
  const reminder = Object.assign(new Reminder(), { title, user, userId: user.id })
  return { user, reminder }
}

async function hasTable(dataSource: DataSource, table: string): Promise<boolean> {
  const runner = dataSource.createQueryRunner()
  try {
    return await runner.hasTable(table)
  } finally {
    await runner.release()
  }
}

describe("declaredEntities", () => {
  it("lists the built-in entities and every class declared with @Entity() so far", () => {
    expect(declaredEntities()).toEqual(expect.arrayContaining([User, Tool, Reminder]))
  })
})

describe("createDataSource({ allDeclaredEntities })", () => {
  it("holds every declared entity with it, and only the built-in ones and those given without", () => {
    const env = { DB_DRIVER: "sqlite", DB_DATABASE: ":memory:" }
    const all = createDataSource({ env, allDeclaredEntities: true }).options.entities as unknown[]
    const plain = createDataSource({ env }).options.entities as unknown[]
    expect(all).toContain(Reminder)
    expect(plain).not.toContain(Reminder)
    expect(plain).toContain(User)
  })
})

describeEachDatabase(
  "application entities on a configured database",
  (db) => {
    it("are the application's tables: the entity's own and the join table it owns", () => {
      const names = applicationTables(db().dataSource).map((table) => table.metadata.tableName)
      expect(names.sort()).toEqual(["reminder", "reminder_tool_link"])
    })

    it("fail with one MissingTableError naming the entity, the table and the command while their table is missing", async () => {
      const { dataSource } = db()
      await prepareApplicationTables(dataSource, { create: false })
      expect(await hasTable(dataSource, "reminder")).toBe(false)

      await using session = new Session(dataSource)
      session.add(newReminder("before").reminder)
      const error = (await session.commit().catch((caught: unknown) => caught)) as Error
      expect(error).toBeInstanceOf(MissingTableError)
      expect(error).toMatchObject({ entity: "Reminder", table: "reminder" })
      expect(error.message).toMatch(
        /^Reminder's table "reminder" does not exist in .+; write its migration with "npx concrete-db migration:generate migrations\/AddReminder" and apply it with "npx concrete-db migrate"/,
      )
      // TypeORM's own paths say the same; nothing was created behind the caller's back.
      await expect(dataSource.manager.find(Reminder)).rejects.toThrow(MissingTableError)
      expect(await hasTable(dataSource, "reminder")).toBe(false)
      await session.rollback()
    })

    it("work once a migration created their tables: add, commit, read back, and the user's delete cascades", async () => {
      const { dataSource } = db()
      const { up } = await applicationChanges(dataSource)
      expect(up.length).toBeGreaterThan(0)
      // What migration:generate writes touches only the application's tables.
      for (const { query } of up) expect(query).toMatch(/reminder/)
      for (const { query, parameters } of up) await dataSource.query(query, parameters as unknown[])
      await recheckMissingTables(dataSource)

      const tool = Object.assign(new Tool(), { name: unique("tool") })
      const { user, reminder } = newReminder("water the plants")
      reminder.tools = [tool]
      await withTransaction((session) => Promise.resolve(session.add(reminder)), dataSource)

      await withSession(async (reader) => {
        const found = await reader.get(Reminder, reminder.id)
        expect(found).toMatchObject({ title: "water the plants", userId: user.id })
        const withTools = await reader.find(Reminder, {
          where: { id: reminder.id },
          relations: { tools: true },
        })
        expect(withTools[0]?.tools?.map((linked) => linked.id)).toEqual([tool.id])
      }, dataSource)

      await withTransaction(async (session) => {
        session.delete((await session.get(User, user.id))!)
      }, dataSource)
      await withSession(async (after) => {
        expect(await after.get(Reminder, reminder.id)).toBeNull()
        expect(await after.get(Tool, tool.id)).not.toBeNull()
      }, dataSource)
      expect((await applicationChanges(dataSource)).up).toEqual([])
    })

    it("name a class declared after the data source opened in one UnknownEntityError", async () => {
      @Entity()
      class LateModel extends MetadataEntity {}
      await using session = new Session(db().dataSource)
      session.add(new LateModel())
      const error = (await session.commit().catch((caught: unknown) => caught)) as Error
      // Data sources this file builds later must not hold it.
      const tables = getMetadataArgsStorage().tables
      tables.splice(
        tables.findIndex((table) => table.target === LateModel),
        1,
      )
      expect(error).toBeInstanceOf(UnknownEntityError)
      expect(error).toMatchObject({ entity: "LateModel" })
      expect(error.message).toMatch(
        /^LateModel is not an entity of the default data source: its class was loaded after getDataSource\(\) opened the database; import the module that declares LateModel before the first Session is used, or name its compiled file in DB_ENTITIES\.$/,
      )
      await session.rollback()
    })

    it("name a class that is no entity at all in one UnknownEntityError", async () => {
      class Plain {}
      await using session = new Session(db().dataSource)
      await expect(session.find(Plain)).rejects.toThrow(
        new UnknownEntityError(
          "Plain",
          'Plain is not an entity; declare it with @Entity() (from "typeorm") and extend MetadataEntity.',
        ),
      )
    })
  },
  { extra: { allDeclaredEntities: true } },
)

describeEachDatabase(
  "application entities on the embedded default",
  (db) => {
    it("get their missing tables once, create-only, with foreign keys and indexes, and one notice per table", async () => {
      const { dataSource } = db()
      const notices: string[] = []
      await prepareApplicationTables(dataSource, {
        create: true,
        notice: (line) => notices.push(line),
      })
      expect(notices).toEqual([
        expect.stringMatching(
          /^concrete-db: created table "reminder" for Reminder in the embedded database sqlite:.+ \(created once, never altered\); for a configured database write its migration with "npx concrete-db migration:generate migrations\/AddReminder"$/,
        ),
        expect.stringMatching(/created table "reminder_tool_link" for Reminder/),
      ])
      // Nothing left to create: the tables match the entities, foreign keys and indexes included.
      expect((await applicationChanges(dataSource)).up).toEqual([])

      const { user, reminder } = newReminder("stretch")
      await withTransaction((session) => Promise.resolve(session.add(reminder)), dataSource)
      await withTransaction(async (session) => {
        session.delete((await session.get(User, user.id))!)
      }, dataSource)
      await withSession(async (session) => {
        expect(await session.get(Reminder, reminder.id)).toBeNull()
      }, dataSource)

      await prepareApplicationTables(dataSource, {
        create: true,
        notice: (line) => notices.push(line),
      })
      expect(notices).toHaveLength(2)
    })

    it("never alter a table that exists, even when it differs from the entity", async () => {
      const { dataSource } = db()
      await dataSource.query('DROP TABLE "reminder_tool_link"')
      await dataSource.query('DROP TABLE "reminder"')
      await dataSource.query('CREATE TABLE "reminder" ("id" varchar PRIMARY KEY NOT NULL)')
      const notices: string[] = []
      await prepareApplicationTables(dataSource, {
        create: true,
        notice: (line) => notices.push(line),
      })
      expect(notices).toEqual([expect.stringMatching(/created table "reminder_tool_link"/)])
      const columns = await dataSource.query<{ name: string }[]>('PRAGMA table_info("reminder")')
      expect(columns.map((column) => column.name)).toEqual(["id"])
    })
  },
  { extra: { allDeclaredEntities: true }, only: ["sqlite"] },
)
