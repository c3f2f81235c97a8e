import { SqliteError } from "better-sqlite3"
import { sqliteErrorClassifier } from "../../../../src/internal/drivers/sqlite/sqlite-error-classifier"

// better-sqlite3's own error class: SQLite's extended result code and message, nothing else.
type SqliteFailure = InstanceType<typeof SqliteError>
const sqliteError = (code: string, message: string) => new SqliteError(message, code)
const violationOf = (error: SqliteFailure) => sqliteErrorClassifier.violation(error, error.message)

describe("sqliteErrorClassifier", () => {
  it("reads a unique violation's table and columns from the message", () => {
    const error = sqliteError("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: user.email")
    expect(violationOf(error)).toEqual({ kind: "unique", table: "user", columns: ["email"] })
  })

  it("keeps every column of a composite unique key, in order", () => {
    const error = sqliteError(
      "SQLITE_CONSTRAINT_UNIQUE",
      "UNIQUE constraint failed: operator.orchestrator_id, operator.name",
    )
    expect(violationOf(error)).toEqual({
      kind: "unique",
      table: "operator",
      columns: ["orchestrator_id", "name"],
    })
  })

  it("treats a duplicate primary key as a unique violation", () => {
    const error = sqliteError("SQLITE_CONSTRAINT_PRIMARYKEY", "UNIQUE constraint failed: user.id")
    expect(violationOf(error)).toEqual({ kind: "unique", table: "user", columns: ["id"] })
  })

  it("leaves table and columns out when the message names an index instead", () => {
    const error = sqliteError("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: index 'IDX_x'")
    expect(violationOf(error)).toEqual({ kind: "unique", table: undefined, columns: undefined })
  })

  it("classifies a foreign key violation, which SQLite does not locate", () => {
    const error = sqliteError("SQLITE_CONSTRAINT_FOREIGNKEY", "FOREIGN KEY constraint failed")
    expect(violationOf(error)).toEqual({ kind: "foreignKey" })
  })

  it("takes a named check's constraint from the message", () => {
    const error = sqliteError(
      "SQLITE_CONSTRAINT_CHECK",
      "CHECK constraint failed: CHK_message_sender",
    )
    expect(violationOf(error)).toEqual({ kind: "check", constraint: "CHK_message_sender" })
  })

  it("names no constraint when the message shows an unnamed check's expression", () => {
    const error = sqliteError(
      "SQLITE_CONSTRAINT_CHECK",
      "CHECK constraint failed: length(name) > 0",
    )
    expect(violationOf(error)).toEqual({ kind: "check", constraint: undefined })
  })

  it("reads a NOT NULL violation's table and column", () => {
    const error = sqliteError("SQLITE_CONSTRAINT_NOTNULL", "NOT NULL constraint failed: user.email")
    expect(violationOf(error)).toEqual({ kind: "notNull", table: "user", columns: ["email"] })
  })

  it("does not classify other errors, nor constraint codes it cannot place", () => {
    expect(violationOf(sqliteError("SQLITE_CONSTRAINT", "constraint failed"))).toBeUndefined()
    expect(violationOf(sqliteError("SQLITE_ERROR", "no such table: foo"))).toBeUndefined()
    const pg = { code: "23505", message: "duplicate key value violates unique constraint" }
    expect(sqliteErrorClassifier.violation(pg, pg.message)).toBeUndefined()
  })

  it("recognises a busy or locked database, also by its message alone", () => {
    const busy = sqliteError("SQLITE_BUSY", "database is locked")
    const locked = sqliteError("SQLITE_LOCKED", "database table is locked")
    expect(sqliteErrorClassifier.isLockTimeout(busy, busy.message)).toBe(true)
    expect(sqliteErrorClassifier.isLockTimeout(locked, locked.message)).toBe(true)
    expect(sqliteErrorClassifier.isLockTimeout({}, "Database is locked")).toBe(true)
    const unique = sqliteError("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: user.email")
    expect(sqliteErrorClassifier.isLockTimeout(unique, unique.message)).toBe(false)
  })

  it("counts a file it cannot open as a connection problem, and nothing of the network", () => {
    const cantOpen = sqliteError("SQLITE_CANTOPEN", "unable to open database file")
    expect(sqliteErrorClassifier.isConnectionProblem(cantOpen, cantOpen.message)).toBe(true)
    const refused = { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:5432" }
    expect(sqliteErrorClassifier.isConnectionProblem(refused, refused.message)).toBe(false)
    const busy = sqliteError("SQLITE_BUSY", "database is locked")
    expect(sqliteErrorClassifier.isConnectionProblem(busy, busy.message)).toBe(false)
  })
})
