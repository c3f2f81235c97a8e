import {
  Table,
  TableColumn,
  type DataSource,
  type MigrationInterface,
  type QueryRunner,
} from "typeorm"
import {
  CheckViolationError,
  ForeignKeyViolationError,
  Message,
  Orchestrator,
  Session,
  User,
  createDataSource,
  migrate,
  withSession,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import {
  type Conversation,
  TABLES,
  countAll,
  fixture,
  freshDatabase,
  placeholder,
  seedConversation,
  startChild,
} from "./fixtures/helpers"

// Migrations: running them twice is a no-op; two processes migrating one fresh database at the
// same moment apply each migration once; a database at an older version gets only the newer
// migration and keeps its rows; reverting and re-running keeps the rows of tables the
// migrations do not own.

const INITIAL = "InitialSchema1764230400000"
const STATUS_CHECK = "MessageStatusCheck1795910400000"
/** The package's own migrations, in order. */
const BUILT_IN = [INITIAL, STATUS_CHECK]

/** A later migration of a user of the package: a table of its own and a column on `user`. */
class AddNotes1900000000000 implements MigrationInterface {
  name = "AddNotes1900000000000"

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "reliability_note",
        columns: [
          { name: "id", type: "varchar", length: "36", isPrimary: true },
          { name: "body", type: "varchar", length: "200" },
        ],
      }),
    )
    await queryRunner.query("INSERT INTO reliability_note (id, body) VALUES ('n1', 'from up')")
    // Changing a table others refer to (ON DELETE CASCADE): SQLite rebuilds it to do this.
    await queryRunner.addColumn(
      "user",
      new TableColumn({ name: "nickname", type: "varchar", length: "32", isNullable: true }),
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("user", "nickname")
    await queryRunner.dropTable("reliability_note")
  }
}

/** A broken later migration: a table, then a token of a user that does not exist. */
class Dangling1900000000001 implements MigrationInterface {
  name = "Dangling1900000000001"

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "dangling_marker",
        columns: [{ name: "id", type: "int", isPrimary: true }],
      }),
    )
    const mark = (index: number) =>
      queryRunner.connection.options.type === "postgres" ? `$${index}` : "?"
    await queryRunner.query(
      `INSERT INTO auth_token (id, refresh_token, user_id, created_at, updated_at) VALUES (${mark(1)}, ${mark(2)}, ${mark(3)}, ${mark(4)}, ${mark(5)})`,
      [
        "01900000-0000-7000-8000-0000000000aa",
        "orphan",
        "01900000-0000-7000-8000-0000000000bb",
        "2026-01-01 00:00:00.000",
        "2026-01-01 00:00:00.000",
      ],
    )
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("dangling_marker")
  }
}

/** Table names of the database, sorted. */
async function tableNames(dataSource: DataSource): Promise<string[]> {
  const type = dataSource.options.type
  const rows: Array<{ name: string }> =
    type === "better-sqlite3"
      ? await dataSource.query(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
      : type === "postgres"
        ? await dataSource.query(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()",
          )
        : await dataSource.query(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
          )
  return rows.map((row) => row.name).sort()
}

/** The schema as the catalog describes it: tables with their columns, and index names. */
async function schemaSnapshot(dataSource: DataSource): Promise<unknown> {
  const snapshot: Record<string, unknown> = {}
  const queryRunner = dataSource.createQueryRunner()
  try {
    for (const table of await queryRunner.getTables(await tableNames(dataSource))) {
      snapshot[table.name] = {
        columns: table.columns.map((column) => `${column.name} ${column.type}`).sort(),
        indices: table.indices.map((index) => index.name).sort(),
        foreignKeys: table.foreignKeys.map((key) => key.name ?? key.columnNames.join()).sort(),
      }
    }
  } finally {
    await queryRunner.release()
  }
  return snapshot
}

async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> = await dataSource.query(
    `SELECT name FROM ${dataSource.driver.escape("migrations")} ORDER BY id`,
  )
  return rows.map((row) => row.name)
}

/** Creates a table no migration knows about, with three rows. */
async function createOwnTable(dataSource: DataSource): Promise<void> {
  await dataSource.query("CREATE TABLE own_notes (id INTEGER PRIMARY KEY, body VARCHAR(100))")
  for (const [id, body] of [
    [1, "first"],
    [2, "second 🤖"],
    [3, "third"],
  ] as const) {
    await dataSource.query(
      `INSERT INTO own_notes (id, body) VALUES (${placeholder(dataSource, 1)}, ${placeholder(dataSource, 2)})`,
      [id, body],
    )
  }
}

async function ownRows(dataSource: DataSource): Promise<unknown[]> {
  const rows: Array<{ id: number | string; body: string }> = await dataSource.query(
    "SELECT id, body FROM own_notes ORDER BY id",
  )
  return rows.map((row) => [Number(row.id), row.body])
}

async function seedMessages(dataSource: DataSource, count: number): Promise<Conversation> {
  const conversation = await seedConversation(dataSource)
  await using session = new Session(dataSource)
  for (let i = 0; i < count; i += 1) {
    session.add(
      Object.assign(new Message(), {
        type: "textmessage",
        content: JSON.stringify({ text: `kept ${i}` }),
        projectId: conversation.projectId,
        userId: conversation.userId,
      }),
    )
  }
  await session.commit()
  return conversation
}

describeEachDatabase(
  "migrations",
  (db) => {
    let expectedTables: string[]

    beforeAll(async () => {
      // The reference: a database migrated once, by one process.
      const reference = await freshDatabase(db().kind)
      const dataSource = createDataSource({ env: reference.env })
      await dataSource.initialize()
      try {
        await migrate(dataSource)
        expectedTables = await tableNames(dataSource)
      } finally {
        await dataSource.destroy()
        await reference.drop()
      }
      expect(expectedTables).toEqual(
        [
          ...TABLES,
          "migrations",
          "user_tool_link",
          "orchestrator_tool_link",
          "operator_tool_link",
        ].sort(),
      )
    })

    it("applies each migration once when two processes migrate a fresh database at once", async () => {
      for (let round = 0; round < 3; round += 1) {
        const database = await freshDatabase(db().kind)
        const children = [0, 1].map(() =>
          startChild(fixture("migrate-child.ts"), [], { REL_DB_ENV: JSON.stringify(database.env) }),
        )
        try {
          await Promise.all(children.map((child) => child.waitForLine((line) => line === "ready")))
          for (const child of children) child.process.stdin.end("go\n")
          const exits = await Promise.all(children.map((child) => child.exited))
          expect(exits.map((exit, i) => ({ ...exit, stderr: children[i]!.stderr() }))).toEqual([
            { code: 0, signal: null, stderr: "" },
            { code: 0, signal: null, stderr: "" },
          ])
          const ran = children.map(
            (child) =>
              JSON.parse(child.lines.find((line) => line.startsWith("ran "))!.slice(4)) as string[],
          )
          // One applied it, the other found nothing pending.
          expect(ran.flat()).toEqual(BUILT_IN)
          const check = createDataSource({ env: database.env })
          await check.initialize()
          try {
            expect(await appliedMigrations(check)).toEqual(BUILT_IN)
            expect(await tableNames(check)).toEqual(expectedTables)
            expect(await check.showMigrations()).toBe(false)
          } finally {
            await check.destroy()
          }
        } finally {
          for (const child of children) {
            if (child.process.exitCode === null && child.process.signalCode === null) {
              child.process.kill("SIGKILL")
              await child.exited
            }
          }
          await database.drop()
        }
      }
    })

    it("runs nothing the second time, leaving schema, history and rows as they were", async () => {
      const { dataSource } = db()
      expect((await migrate(dataSource)).map((migration) => migration.name)).toEqual(BUILT_IN)
      await seedMessages(dataSource, 5)
      const schema = await schemaSnapshot(dataSource)
      const counts = await countAll(dataSource)
      for (let again = 0; again < 2; again += 1) {
        expect(await migrate(dataSource)).toEqual([])
        // As the TypeORM CLI would run them, too.
        expect(await dataSource.runMigrations({ transaction: "each" })).toEqual([])
      }
      expect(await appliedMigrations(dataSource)).toEqual(BUILT_IN)
      expect(await schemaSnapshot(dataSource)).toEqual(schema)
      expect(await countAll(dataSource)).toEqual(counts)
    })

    it("applies only the new migration to a database at an older version, keeping its rows", async () => {
      const { dataSource } = db()
      const conversation = await seedMessages(dataSource, 20)
      const counts = await countAll(dataSource)
      const users = await withSession((s) => s.find(User, { order: { id: "ASC" } }), dataSource)

      const newer = db().createDataSource({ migrations: [AddNotes1900000000000] })
      await newer.initialize()
      expect(await newer.showMigrations()).toBe(true)
      const ran = await migrate(newer)
      expect(ran.map((migration) => migration.name)).toEqual(["AddNotes1900000000000"])
      expect(await appliedMigrations(newer)).toEqual([...BUILT_IN, "AddNotes1900000000000"])
      expect(await migrate(newer)).toEqual([])

      // Every row is still there, children of the rebuilt `user` table included.
      expect(await countAll(newer)).toEqual(counts)
      const after = await withSession((s) => s.find(User, { order: { id: "ASC" } }), newer)
      expect(after.map((user) => [user.id, user.email])).toEqual(
        users.map((user) => [user.id, user.email]),
      )
      await withSession(async (s) => {
        expect(await s.get(Orchestrator, conversation.orchestratorId)).not.toBeNull()
        expect(await s.manager.count(Message)).toBe(counts.message)
      }, newer)
      if (db().kind === "sqlite") {
        expect(await newer.query("PRAGMA foreign_key_check")).toEqual([])
        expect(await newer.query("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }])
      }
    })

    it("adds the status check to a database of the first version, keeping every message", async () => {
      const database = await freshDatabase(db().kind)
      const older = createDataSource({ env: database.env })
      await older.initialize()
      try {
        await migrate(older)
        // Back to the first version, as a database made before the check was added.
        await older.undoLastMigration({ transaction: "each" })
        expect(await appliedMigrations(older)).toEqual([INITIAL])
        const conversation = await seedMessages(older, 30)
        const counts = await countAll(older)
        const ids = await withSession(
          async (s) => (await s.find(Message, { order: { id: "ASC" } })).map((m) => m.id),
          older,
        )

        expect((await migrate(older)).map((migration) => migration.name)).toEqual([STATUS_CHECK])
        // SQLite rebuilt `message`: every row is still there, and so is the sender check.
        expect(await countAll(older)).toEqual(counts)
        const after = await withSession(
          async (s) => (await s.find(Message, { order: { id: "ASC" } })).map((m) => m.id),
          older,
        )
        expect(after).toEqual(ids)
        const bothSenders = await withSession(async (s) => {
          s.add(
            Object.assign(new Message(), {
              type: "textmessage",
              content: "{}",
              projectId: conversation.projectId,
              userId: conversation.userId,
              operatorId: conversation.operatorId,
            }),
          )
          return s.commit().catch((caught: unknown) => caught)
        }, older)
        expect(bothSenders).toBeInstanceOf(CheckViolationError)
        expect((bothSenders as CheckViolationError).constraint).toBe("CHK_message_sender")
        if (db().kind === "sqlite") {
          expect(await older.query("PRAGMA foreign_key_check")).toEqual([])
          expect(await older.query("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }])
          expect(await older.query("PRAGMA foreign_keys")).toEqual([{ foreign_keys: 1 }])
        }
      } finally {
        await older.destroy()
        await database.drop()
      }
    })

    it("refuses and rolls back a migration that leaves a foreign key dangling", async () => {
      const broken = db().createDataSource({
        migrations: [AddNotes1900000000000, Dangling1900000000001],
        // TypeORM reports a failed migration on the console whatever the logging option.
        logger: {
          logQuery() {},
          logQueryError() {},
          logQuerySlow() {},
          logSchemaBuild() {},
          logMigration() {},
          log() {},
        },
      })
      await broken.initialize()
      const applied = await appliedMigrations(broken)
      expect(applied).toEqual([...BUILT_IN, "AddNotes1900000000000"])
      const counts = await countAll(broken)
      const error = await migrate(broken).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(ForeignKeyViolationError)
      expect(await appliedMigrations(broken)).toEqual(applied)
      expect(await countAll(broken)).toEqual(counts)
      // DDL is transactional on SQLite and PostgreSQL; MySQL/MariaDB commit it as they go.
      if (db().kind !== "mariadb") expect(await tableNames(broken)).not.toContain("dangling_marker")
      else await broken.query("DROP TABLE IF EXISTS dangling_marker")
      if (db().kind === "sqlite") {
        expect(await broken.query("PRAGMA foreign_keys")).toEqual([{ foreign_keys: 1 }])
      }
      // The data source goes on working.
      await seedConversation(broken)
    })

    it("keeps the rows of a table the migrations do not own through revert and re-run", async () => {
      const newer = db().createDataSource({ migrations: [AddNotes1900000000000] })
      await newer.initialize()
      await migrate(newer)
      await createOwnTable(newer)
      const own = await ownRows(newer)
      const counts = await countAll(newer)

      // Revert the newest migration, then run it again.
      await newer.undoLastMigration({ transaction: "each" })
      expect(await appliedMigrations(newer)).toEqual(BUILT_IN)
      expect(await ownRows(newer)).toEqual(own)
      expect(await countAll(newer)).toEqual(counts)
      expect((await migrate(newer)).map((migration) => migration.name)).toEqual([
        "AddNotes1900000000000",
      ])
      expect(await ownRows(newer)).toEqual(own)
      expect(await countAll(newer)).toEqual(counts)

      // Revert everything: the migrations' own tables go, the table they do not own stays.
      for (let i = 0; i < BUILT_IN.length + 1; i += 1) {
        await newer.undoLastMigration({ transaction: "each" })
      }
      expect(await appliedMigrations(newer)).toEqual([])
      expect(await tableNames(newer)).toEqual(["migrations", "own_notes"])
      expect(await ownRows(newer)).toEqual(own)
      expect((await migrate(newer)).map((migration) => migration.name)).toEqual([
        ...BUILT_IN,
        "AddNotes1900000000000",
      ])
      expect(await ownRows(newer)).toEqual(own)
      expect(await tableNames(newer)).toEqual(
        [...expectedTables, "own_notes", "reliability_note"].sort(),
      )
    })
  },
  { migrate: false },
)
