import { Column, Entity, type DataSource } from "typeorm"
import { MIGRATIONS } from "../../migrations"
import { MetadataEntity } from "../../src"
import { describeEachDatabase } from "../support/databases"

const OUR_TABLES = [
  "user",
  "auth_state",
  "auth_token",
  "orchestrator",
  "operator",
  "client",
  "project",
  "tool",
  "user_tool_link",
  "orchestrator_tool_link",
  "operator_tool_link",
  "message",
  "node",
  "repo_node",
  "log",
]

@Entity()
class MyModel extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  name!: string
}

/** Which of our tables exist in the test database. */
async function ourTables(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner()
  try {
    const present: string[] = []
    for (const table of OUR_TABLES) if (await queryRunner.hasTable(table)) present.push(table)
    return present
  } finally {
    await queryRunner.release()
  }
}

describeEachDatabase(
  "InitialSchema migration",
  (db) => {
    it("creates every table, and after all migrations the entities need no schema change", async () => {
      const { dataSource } = db()
      const ran = await dataSource.runMigrations({ transaction: "each" })
      expect(ran.map((migration) => migration.name)).toEqual([
        "InitialSchema1764230400000",
        "MessageStatusCheck1795910400000",
      ])
      expect(ran).toHaveLength(MIGRATIONS.length)

      expect(await ourTables(dataSource)).toEqual(OUR_TABLES)
      const pending = await dataSource.driver.createSchemaBuilder().log()
      expect(pending.upQueries.map((query) => query.query)).toEqual([])
    })

    it("is not applied twice", async () => {
      const { dataSource } = db()
      expect(await dataSource.showMigrations()).toBe(false)
      expect(await dataSource.runMigrations()).toEqual([])
    })

    it("lets a custom model extending MetadataEntity be migrated like the built-in ones", async () => {
      const custom = db().createDataSource({ entities: [MyModel] })
      await custom.initialize()
      const pending = await custom.driver.createSchemaBuilder().log()
      const statements = pending.upQueries.map((query) => query.query)
      expect(statements.length).toBeGreaterThan(0)
      expect(statements.every((sql) => /my_model/.test(sql))).toBe(true)

      // What `migration:generate` would write, applied, leaves nothing pending.
      const queryRunner = custom.createQueryRunner()
      try {
        for (const query of pending.upQueries)
          await queryRunner.query(query.query, query.parameters)
      } finally {
        await queryRunner.release()
      }
      expect((await custom.driver.createSchemaBuilder().log()).upQueries).toEqual([])
      await custom.query(`DROP TABLE ${custom.driver.escape("my_model")}`)
    })

    it("is undone completely by its down(), after the later migrations' down()", async () => {
      const { dataSource } = db()
      for (let i = 0; i < MIGRATIONS.length; i += 1) {
        await dataSource.undoLastMigration({ transaction: "each" })
      }
      expect(await ourTables(dataSource)).toEqual([])
      expect(await dataSource.showMigrations()).toBe(true)
    })
  },
  { migrate: false },
)
