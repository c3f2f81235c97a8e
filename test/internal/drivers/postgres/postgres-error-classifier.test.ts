import { DatabaseError } from "pg"
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from "typeorm"
import { postgresErrorClassifier } from "../../../../src/internal/drivers/postgres/postgres-error-classifier"

type Fields = Partial<Pick<DatabaseError, "code" | "detail" | "table" | "constraint" | "column">>

// node-postgres' own error class, with the fields the server sent.
function pgError(message: string, fields: Fields): DatabaseError {
  return Object.assign(new DatabaseError(message, message.length, "error"), {
    severity: "ERROR",
    schema: "public",
    ...fields,
  })
}

const violationOf = (error: DatabaseError) =>
  postgresErrorClassifier.violation(error, error.message)
const isConnectionProblem = (error: { code?: string; message: string }) =>
  postgresErrorClassifier.isConnectionProblem(error, error.message)

describe("postgresErrorClassifier", () => {
  it("takes a unique violation's table, constraint, column and value from the server", () => {
    const error = pgError('duplicate key value violates unique constraint "UQ_user_email"', {
      code: "23505",
      detail: "Key (email)=(a@b.c) already exists.",
      table: "user",
      constraint: "UQ_user_email",
    })
    expect(violationOf(error)).toEqual({
      kind: "unique",
      table: "user",
      constraint: "UQ_user_email",
      columns: ["email"],
      value: "a@b.c",
    })
  })

  it("splits a composite key and unquotes quoted column names", () => {
    const error = pgError('duplicate key value violates unique constraint "UQ_operator_name"', {
      code: "23505",
      detail: 'Key ("orchestratorId", name)=(7, ada) already exists.',
      table: "operator",
      constraint: "UQ_operator_name",
    })
    expect(violationOf(error)).toMatchObject({
      columns: ["orchestratorId", "name"],
      value: "7, ada",
    })
  })

  it("tells a missing parent from a parent that is still referenced", () => {
    const missing = pgError('insert or update on table "project" violates foreign key constraint', {
      code: "23503",
      detail: 'Key (orchestrator_id)=(42) is not present in table "orchestrator".',
      table: "project",
      constraint: "FK_project_orchestrator",
    })
    expect(violationOf(missing)).toEqual({
      kind: "foreignKey",
      table: "project",
      constraint: "FK_project_orchestrator",
      columns: ["orchestrator_id"],
      value: "42",
      referenced: false,
    })
    const referenced = pgError('update or delete on table "user" violates foreign key constraint', {
      code: "23503",
      detail: 'Key (id)=(42) is still referenced from table "project".',
      table: "user",
      constraint: "FK_project_user",
    })
    expect(violationOf(referenced)).toMatchObject({ kind: "foreignKey", referenced: true })
  })

  it("classifies a check violation with its constraint", () => {
    const error = pgError('new row for relation "message" violates check constraint', {
      code: "23514",
      table: "message",
      constraint: "CHK_message_sender",
    })
    expect(violationOf(error)).toEqual({
      kind: "check",
      table: "message",
      constraint: "CHK_message_sender",
      columns: undefined,
      value: undefined,
    })
  })

  it("takes a NOT NULL violation's column from the column field", () => {
    const error = pgError('null value in column "email" of relation "user" violates not-null', {
      code: "23502",
      table: "user",
      column: "email",
    })
    expect(violationOf(error)).toMatchObject({ kind: "notNull", table: "user", columns: ["email"] })
  })

  it("leaves other errors, even other integrity violations, unclassified", () => {
    expect(violationOf(pgError("conflicting key value", { code: "23P01" }))).toBeUndefined()
    expect(violationOf(pgError('relation "foo" does not exist', { code: "42P01" }))).toBeUndefined()
    const sqlite = { code: "SQLITE_CONSTRAINT_UNIQUE", message: "UNIQUE constraint failed: u.e" }
    expect(postgresErrorClassifier.violation(sqlite, sqlite.message)).toBeUndefined()
  })

  it("recognises connection problems by SQLSTATE, by socket error and by pg's own messages", () => {
    expect(isConnectionProblem(pgError("connection failure", { code: "08006" }))).toBe(true)
    expect(isConnectionProblem(pgError("terminating connection", { code: "57P01" }))).toBe(true)
    expect(isConnectionProblem(pgError("sorry, too many clients already", { code: "53300" }))).toBe(
      true,
    )
    expect(
      isConnectionProblem({ code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:5432" }),
    ).toBe(true)
    expect(isConnectionProblem(new Error("Connection terminated unexpectedly"))).toBe(true)
    expect(isConnectionProblem(new Error("timeout exceeded when trying to connect"))).toBe(true)
  })

  it("takes TypeORM's refusal of a query runner it released after its connection dropped for a lost connection", () => {
    expect(isConnectionProblem(new QueryRunnerAlreadyReleasedError())).toBe(true)
    expect(isConnectionProblem(new QueryRunnerProviderAlreadyReleasedError())).toBe(true)
  })

  it("does not take a refused statement or a wrong password for a lost connection", () => {
    expect(isConnectionProblem(pgError("duplicate key", { code: "23505" }))).toBe(false)
    const tooManyParameters =
      "bind message supplies 0 parameters, but prepared statement requires 65536"
    expect(isConnectionProblem(pgError(tooManyParameters, { code: "08P01" }))).toBe(false)
    expect(isConnectionProblem(pgError("password authentication failed", { code: "28P01" }))).toBe(
      false,
    )
    expect(isConnectionProblem({ code: "08xyz", message: "not a SQLSTATE" })).toBe(false)
    expect(isConnectionProblem({ code: "PROTOCOL_CONNECTION_LOST", message: "lost" })).toBe(false)
  })

  it("never reports a lock timeout", () => {
    const error = { code: "SQLITE_BUSY", message: "database is locked" }
    expect(postgresErrorClassifier.isLockTimeout(error, error.message)).toBe(false)
  })
})
