import { SqliteError } from "better-sqlite3"
import { DatabaseError } from "pg"
import { QueryFailedError, type DataSource, type DataSourceOptions } from "typeorm"
import {
  CheckViolationError,
  ConcreteDbError,
  ConnectionError,
  ForeignKeyViolationError,
  NotNullViolationError,
  QueryError,
  UniqueViolationError,
} from "../../../src/errors"
import { CheckHint } from "../../../src/decorators/check-hint.decorator"
import { registerCheckHint } from "../../../src/internal/errors/check-hints"
import { translateError } from "../../../src/internal/errors/translate-error"

// Just what translateError reads of a data source: its options and its entities' metadata.
const USER = {
  name: "User",
  tableName: "user",
  tablePath: "user",
  columns: [
    { databaseName: "email", propertyName: "email" },
    { databaseName: "api_key", propertyName: "apiKey" },
    { databaseName: "team_id", propertyName: "teamId" },
  ],
  uniques: [{ name: "UQ_user_email", columns: [{ databaseName: "email" }] }],
  indices: [{ name: "IDX_user_api_key", columns: [{ databaseName: "api_key" }] }],
  foreignKeys: [
    {
      name: "FK_user_team",
      columnNames: ["team_id"],
      columns: [{ databaseName: "team_id" }],
      referencedEntityMetadata: { name: "Team" },
    },
  ],
}
const ORDER = { ...USER, name: "Order", tableName: "order", tablePath: "order", uniques: [] }

function fakeDataSource(options: Partial<DataSourceOptions>): DataSource {
  return { options, entityMetadatas: [USER, ORDER] } as unknown as DataSource
}
const POSTGRES = fakeDataSource({
  type: "postgres",
  host: "db.internal",
  port: 5432,
  username: "app",
  password: "hunter2-secret",
  database: "concrete",
})
const MYSQL = fakeDataSource({
  type: "mysql",
  host: "db.internal",
  port: 3306,
  username: "app",
  password: "hunter2-secret",
  database: "concrete",
})
const SQLITE = fakeDataSource({ type: "better-sqlite3", database: ":memory:" })

function pgError(message: string, fields: Partial<DatabaseError>): DatabaseError {
  return Object.assign(new DatabaseError(message, message.length, "error"), fields)
}

describe("translateError", () => {
  it("names the entity, property, value and constraint of a unique violation", () => {
    const error = pgError('duplicate key value violates unique constraint "UQ_user_email"', {
      code: "23505",
      detail: "Key (email)=(a@b.c) already exists.",
      table: "user",
      constraint: "UQ_user_email",
    })
    const translated = translateError(error, POSTGRES)
    expect(translated).toBeInstanceOf(UniqueViolationError)
    expect(translated.message).toBe(
      'User.email "a@b.c" is already taken (UQ_user_email); use another value or update the existing row.',
    )
    expect(translated).toMatchObject({
      table: "user",
      constraint: "UQ_user_email",
      columns: ["email"],
    })
    expect(translated.cause).toBe(error)
  })

  it.each(["api_key", "password_hash", "refresh_token", "client_secret"])(
    "masks the value of a unique violation on the secret column %s",
    (column) => {
      const error = pgError("duplicate key value violates unique constraint", {
        code: "23505",
        detail: `Key (${column})=(sk-live-123) already exists.`,
        table: "user",
      })
      const translated = translateError(error, POSTGRES)
      expect(translated.message).toContain('"***"')
      expect(translated.message).not.toContain("sk-live-123")
    },
  )

  it("masks a secret column found through the constraint when the driver names no column", () => {
    const error = Object.assign(
      new Error("Duplicate entry 'sk-live-123' for key 'user.IDX_user_api_key'"),
      { code: "ER_DUP_ENTRY", errno: 1062 },
    )
    const translated = translateError(error, MYSQL, { table: "user" })
    expect(translated.message).toBe(
      'User.apiKey "***" is already taken (IDX_user_api_key); use another value or update the existing row.',
    )
  })

  it("ends a check violation with the hint registered for its constraint", () => {
    registerCheckHint("CHK_order_total", "an order's total cannot be negative")
    const error = pgError('new row for relation "order" violates check constraint', {
      code: "23514",
      table: "order",
      constraint: "CHK_order_total",
    })
    const translated = translateError(error, POSTGRES)
    expect(translated).toBeInstanceOf(CheckViolationError)
    expect(translated.message).toBe(
      "Order breaks the check (CHK_order_total): an order's total cannot be negative.",
    )
  })

  it("ends a check violation with the hint an entity declared with @CheckHint", () => {
    @CheckHint("CHK_team_size", "a team has at most nine members")
    class Team {}
    expect(Team).toBeDefined()
    const error = Object.assign(
      new Error("CONSTRAINT `CHK_team_size` failed for `concrete`.`order`"),
      {
        code: "ER_CONSTRAINT_FAILED",
        errno: 4025,
      },
    )
    expect(translateError(error, MYSQL).message).toBe(
      "Order breaks the check (CHK_team_size): a team has at most nine members.",
    )
  })

  it("falls back to a generic fix for a check without a hint", () => {
    const error = new SqliteError(
      "CHECK constraint failed: CHK_unhinted",
      "SQLITE_CONSTRAINT_CHECK",
    )
    expect(translateError(error, SQLITE, { table: "order" }).message).toBe(
      "Order breaks the check (CHK_unhinted); fix the values it checks.",
    )
  })

  it("fills in the table the driver left out from the session's context", () => {
    const error = new SqliteError("FOREIGN KEY constraint failed", "SQLITE_CONSTRAINT_FOREIGNKEY")
    const translated = translateError(error, SQLITE, { table: "user" })
    expect(translated).toBeInstanceOf(ForeignKeyViolationError)
    expect(translated.message).toBe(
      "A foreign key of User refers to a row that does not exist; save the referenced rows first or fix the ids.",
    )
  })

  it("names the referenced entity of a missing parent", () => {
    const error = pgError("insert or update violates foreign key constraint", {
      code: "23503",
      detail: 'Key (team_id)=(7) is not present in table "team".',
      table: "user",
      constraint: "FK_user_team",
    })
    expect(translateError(error, POSTGRES).message).toBe(
      'User.teamId "7" refers to a Team that does not exist (FK_user_team); save that Team first or fix the id.',
    )
  })

  it("unwraps TypeORM's QueryFailedError to the driver's error", () => {
    const driverError = new SqliteError(
      "NOT NULL constraint failed: user.email",
      "SQLITE_CONSTRAINT_NOTNULL",
    )
    const error = new QueryFailedError("INSERT INTO user …", [], driverError)
    const translated = translateError(error, SQLITE)
    expect(translated).toBeInstanceOf(NotNullViolationError)
    expect(translated.message).toBe("User.email is required but was empty; set it before saving.")
    expect(translated.cause).toBe(error)
  })

  it("names the target of a lost connection without its password", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED 10.0.0.9:5432"), {
      code: "ECONNREFUSED",
    })
    const translated = translateError(error, POSTGRES)
    expect(translated).toBeInstanceOf(ConnectionError)
    expect(translated.message).toBe(
      "The database postgres://app:***@db.internal:5432/concrete is unreachable or dropped the connection (connect ECONNREFUSED 10.0.0.9:5432); the transaction was rolled back, so retry once the server is reachable.",
    )
    expect(translated.message).not.toContain("hunter2")
  })

  it("reports a busy SQLite database as a lock timeout", () => {
    const translated = translateError(new SqliteError("database is locked", "SQLITE_BUSY"), SQLITE)
    expect(translated).toBeInstanceOf(ConnectionError)
    expect(translated.message).toBe(
      "The database sqlite::memory: stayed locked by another writer for longer than the busy timeout; the transaction was rolled back, so retry it (or raise DB_SQLITE_BUSY_TIMEOUT_MS).",
    )
  })

  it("asks only the data source's own database about its errors", () => {
    // An SQLite code means nothing to PostgreSQL: a plain refused statement there.
    const error = new SqliteError("database is locked", "SQLITE_BUSY")
    expect(translateError(error, POSTGRES)).toBeInstanceOf(QueryError)
  })

  it("asks every database when there is no data source, as while opening one", () => {
    const mysql = Object.assign(new Error("Duplicate entry 'x' for key 'PRIMARY'"), {
      code: "ER_DUP_ENTRY",
      errno: 1062,
    })
    expect(translateError(mysql, undefined).message).toBe(
      'A row "x" is already taken (PRIMARY); use another value or update the existing row.',
    )
    const sqlite = new SqliteError("database is locked", "SQLITE_BUSY")
    expect(translateError(sqlite, undefined).message).toMatch(/^The database the database stayed/)
    const pg = pgError("terminating connection", { code: "57P01" })
    expect(translateError(pg, undefined)).toBeInstanceOf(ConnectionError)
  })

  it("says what could not be opened when opening fails for another reason", () => {
    const error = pgError('database "concrete" does not exist\nDETAIL: more', { code: "3D000" })
    const translated = translateError(error, POSTGRES, { opening: true })
    expect(translated.constructor).toBe(ConcreteDbError)
    expect(translated.message).toBe(
      'Could not open postgres://app:***@db.internal:5432/concrete: database "concrete" does not exist.',
    )
  })

  it("wraps anything else as a refused statement, first line only", () => {
    const translated = translateError(new Error("syntax error at or near x.\nLINE 1"), POSTGRES)
    expect(translated).toBeInstanceOf(QueryError)
    expect(translated.message).toBe("The database refused a statement: syntax error at or near x.")
    expect(translateError("just a string", undefined).message).toBe(
      "The database refused a statement: just a string.",
    )
  })

  it("returns concrete-db errors unchanged", () => {
    const error = new ConnectionError("already translated")
    expect(translateError(error, POSTGRES)).toBe(error)
  })
})
