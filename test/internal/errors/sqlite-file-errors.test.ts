import Database, { SqliteError } from "better-sqlite3"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { DataSource } from "typeorm"
import { ConnectionError, Log, QueryError, Session, createDataSource } from "../../../src"
import { translateError } from "../../../src/internal/errors/translate-error"

// A SQLite file that cannot be opened or written is not a server out of reach: the error says
// what is wrong with the file (a directory, a missing folder, a read-only database), and never
// asks to "retry once the server is reachable".

let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "concrete-db-file-"))
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const sqliteAt = (database: string) =>
  ({ options: { type: "better-sqlite3", database } }) as unknown as DataSource
const cantOpen = () => new SqliteError("unable to open database file", "SQLITE_CANTOPEN")

describe("SQLite file errors", () => {
  it("names a directory given as the database file, through a Session", async () => {
    const folder = join(dir, "a-folder")
    mkdirSync(folder)
    const dataSource = createDataSource({ env: { DB_DRIVER: "sqlite", DB_DATABASE: folder } })
    const session = new Session(dataSource)
    session.add(Object.assign(new Log(), { level: "info", message: "never stored" }))
    const error = (await session.commit().then(
      () => undefined,
      (caught: unknown) => caught,
    )) as Error
    await session.close().catch(() => undefined)
    if (dataSource.isInitialized) await dataSource.destroy()
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toBe(
      `The SQLite file ${folder} is a directory, not a database file (unable to open database file); nothing was written. Point DB_DATABASE at a database file this process may read and write.`,
    )
  })

  it("names a folder that does not exist", () => {
    const file = join(dir, "gone", "app.db")
    const error = translateError(cantOpen(), sqliteAt(file))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toContain(
      `The SQLite file ${file} is in a folder that does not exist (${join(dir, "gone")})`,
    )
    expect(error.message).not.toMatch(/reachable/)
  })

  it("names a folder that is a file", () => {
    const notFolder = join(dir, "plain-file")
    writeFileSync(notFolder, "x")
    const file = join(notFolder, "app.db")
    const error = translateError(cantOpen(), sqliteAt(file))
    expect(error.message).toContain(
      `The SQLite file ${file} is in ${notFolder}, which is not a folder`,
    )
    expect(error.message).not.toMatch(/reachable/)
  })

  it("says a database that refuses writes is read-only, and keeps it a QueryError", () => {
    const file = join(dir, "read-only.db")
    new Database(file).exec("CREATE TABLE t (x)")
    const readOnly = new Database(file, { readonly: true })
    let raw: unknown
    try {
      readOnly.exec("INSERT INTO t VALUES (1)")
    } catch (caught) {
      raw = caught
    } finally {
      readOnly.close()
    }
    expect((raw as { code?: string }).code).toBe("SQLITE_READONLY")
    const error = translateError(raw, sqliteAt(file))
    expect(error).toBeInstanceOf(QueryError)
    expect(error.message).toBe(
      `The SQLite file ${file} is read-only: this process may not write it (a read-only file, folder or mount, a data source opened read-only, or PRAGMA query_only) (attempt to write a readonly database); the transaction was rolled back.`,
    )
  })

  it("says a folder SQLite may not write in is read-only", () => {
    const file = join(dir, "app.db")
    const raw = new SqliteError("attempt to write a readonly database", "SQLITE_READONLY_DIRECTORY")
    expect(translateError(raw, sqliteAt(file)).message).toContain(
      `The SQLite file ${file} is read-only: this process may not write in its folder`,
    )
  })

  it("still reports a server that cannot be reached as unreachable", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
      code: "ECONNREFUSED",
    })
    expect(translateError(refused, undefined).message).toMatch(/retry once the server is reachable/)
  })
})
