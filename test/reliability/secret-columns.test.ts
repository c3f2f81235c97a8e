import { Column, Entity, type DataSource } from "typeorm"
import { MetadataEntity, UniqueViolationError, withTransaction } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make } from "../support/graph"

// A constraint error names the column and, where the database says it, the value; a column whose
// name says it holds a secret (token, key, password…) shows "***" instead of the value. None of
// the package's own secret-like columns is unique, so a test entity of its own reaches the path.

@Entity("reliability_api_credential")
class ApiCredential extends MetadataEntity {
  @Column({ name: "api_token", type: "varchar", length: 128, unique: true })
  apiToken!: string
}

describeEachDatabase("secret column values in constraint errors", (db) => {
  let dataSource: DataSource

  beforeAll(async () => {
    dataSource = db().createDataSource({ entities: [ApiCredential] })
    await dataSource.initialize()
    // Creates just the test table: the built-in tables need no change after the migrations.
    await dataSource.driver.createSchemaBuilder().build()
  })

  // The test database (and the table with it) is dropped by describeEachDatabase.

  it("masks the value of a unique secret-like column, and still names the column", async () => {
    const token = `tok-${Math.random().toString(36).slice(2)}-Vq3`
    await withTransaction(
      (s) => Promise.resolve(void s.add(make(ApiCredential, { apiToken: token }))),
      dataSource,
    )
    let error: unknown
    try {
      await withTransaction(
        (s) => Promise.resolve(void s.add(make(ApiCredential, { apiToken: token }))),
        dataSource,
      )
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(UniqueViolationError)
    const message = (error as Error).message
    expect(message).not.toContain(token)
    expect(String(error)).not.toContain(token)
    // SQLite does not print the value; PostgreSQL and MariaDB do, and it is masked.
    expect(message).toMatch(
      db().kind === "sqlite"
        ? /^ApiCredential\.apiToken is already taken/
        : /^ApiCredential\.apiToken "\*\*\*" is already taken/,
    )
  })
})
