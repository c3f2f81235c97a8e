import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ConcreteDbError, createDataSource } from "../src"
import { openPreparedDataSource } from "../src/open-prepared-data-source"

describe("openPreparedDataSource", () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "concrete-db-open-"))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const sqlite = (file: string) =>
    createDataSource({ env: { DB_DRIVER: "sqlite", DB_DATABASE: join(dir, file) } })

  it("initializes the data source and applies the pending migrations", async () => {
    const dataSource = await openPreparedDataSource(sqlite("a.db"), { createTables: false })
    try {
      expect(dataSource.isInitialized).toBe(true)
      expect(await dataSource.showMigrations()).toBe(false)
    } finally {
      await dataSource.destroy()
    }
  })

  it("leaves the migrations pending when told not to migrate", async () => {
    const dataSource = await openPreparedDataSource(sqlite("b.db"), {
      migrate: false,
      createTables: false,
    })
    try {
      expect(await dataSource.showMigrations()).toBe(true)
    } finally {
      await dataSource.destroy()
    }
  })

  it("reports a database it cannot open as a typed error naming it", async () => {
    // A file where its folder should be: no folder can be created there.
    writeFileSync(join(dir, "not-a-folder"), "")
    const opening = openPreparedDataSource(sqlite("not-a-folder/c.db"), { createTables: false })
    await expect(opening).rejects.toThrow(ConcreteDbError)
    await expect(opening).rejects.toThrow(`Could not open sqlite:${join(dir, "not-a-folder")}`)
  })
})
