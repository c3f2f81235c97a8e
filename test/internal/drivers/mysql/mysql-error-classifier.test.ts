import { mysqlErrorClassifier } from "../../../../src/internal/drivers/mysql/mysql-error-classifier"

// Built as mysql2 builds a server error: the text in both `message` and `sqlMessage`.
function serverError(errno: number, code: string, sqlMessage: string) {
  return Object.assign(new Error(sqlMessage), { code, errno, sqlState: "23000", sqlMessage })
}

const violationOf = (error: ReturnType<typeof serverError>) =>
  mysqlErrorClassifier.violation(error, error.sqlMessage)
const isConnectionProblem = (error: Error & { code?: string }) =>
  mysqlErrorClassifier.isConnectionProblem(error, error.message)

describe("mysqlErrorClassifier", () => {
  it("takes a duplicate entry's value and key from the message", () => {
    const error = serverError(1062, "ER_DUP_ENTRY", "Duplicate entry 'x' for key 'UQ_user_email'")
    expect(violationOf(error)).toEqual({ kind: "unique", value: "x", constraint: "UQ_user_email" })
  })

  it("drops the table prefix MySQL 8 puts before the key", () => {
    const error = serverError(
      1062,
      "ER_DUP_ENTRY",
      "Duplicate entry 'a@b.c' for key 'user.UQ_user_email'",
    )
    expect(violationOf(error)).toEqual({
      kind: "unique",
      value: "a@b.c",
      constraint: "UQ_user_email",
    })
  })

  it("reads a missing parent's table, constraint and column", () => {
    const error = serverError(
      1452,
      "ER_NO_REFERENCED_ROW_2",
      "Cannot add or update a child row: a foreign key constraint fails (`concrete`.`project`, CONSTRAINT `FK_project_orchestrator` FOREIGN KEY (`orchestrator_id`) REFERENCES `orchestrator` (`id`) ON DELETE CASCADE)",
    )
    expect(violationOf(error)).toEqual({
      kind: "foreignKey",
      table: "project",
      constraint: "FK_project_orchestrator",
      columns: ["orchestrator_id"],
      referenced: false,
    })
  })

  it("marks a delete of a referenced parent as referenced", () => {
    const error = serverError(
      1451,
      "ER_ROW_IS_REFERENCED_2",
      "Cannot delete or update a parent row: a foreign key constraint fails (`concrete`.`project`, CONSTRAINT `FK_project_user` FOREIGN KEY (`user_id`) REFERENCES `user` (`id`))",
    )
    expect(violationOf(error)).toMatchObject({
      kind: "foreignKey",
      table: "project",
      referenced: true,
    })
  })

  it("reads a check violation in MariaDB's words and in MySQL's", () => {
    const mariadb = serverError(
      4025,
      "ER_CONSTRAINT_FAILED",
      "CONSTRAINT `CHK_message_sender` failed for `concrete`.`message`",
    )
    expect(violationOf(mariadb)).toEqual({
      kind: "check",
      constraint: "CHK_message_sender",
      table: "message",
    })
    const mysql = serverError(
      3819,
      "ER_CHECK_CONSTRAINT_VIOLATED",
      "Check constraint 'CHK_message_sender' is violated.",
    )
    expect(violationOf(mysql)).toEqual({
      kind: "check",
      constraint: "CHK_message_sender",
      table: undefined,
    })
  })

  it("reads the column of a NULL and of a missing value", () => {
    const nullValue = serverError(1048, "ER_BAD_NULL_ERROR", "Column 'email' cannot be null")
    expect(violationOf(nullValue)).toEqual({ kind: "notNull", columns: ["email"] })
    const missing = serverError(
      1364,
      "ER_NO_DEFAULT_FOR_FIELD",
      "Field 'email' doesn't have a default value",
    )
    expect(violationOf(missing)).toEqual({ kind: "notNull", columns: ["email"] })
  })

  it("leaves other server errors unclassified", () => {
    const syntax = serverError(1064, "ER_PARSE_ERROR", "You have an error in your SQL syntax")
    expect(violationOf(syntax)).toBeUndefined()
    const pg = { code: "23505", message: "duplicate key value violates unique constraint" }
    expect(mysqlErrorClassifier.violation(pg, pg.message)).toBeUndefined()
  })

  it("recognises a lost connection by mysql2's code, its fatal flag or its message", () => {
    const lost = Object.assign(new Error("Connection lost: The server closed the connection."), {
      fatal: true,
      code: "PROTOCOL_CONNECTION_LOST",
    })
    expect(isConnectionProblem(lost)).toBe(true)
    expect(isConnectionProblem(Object.assign(new Error("odd"), { fatal: true }))).toBe(true)
    expect(
      isConnectionProblem(new Error("Can't add new command when connection is in closed state")),
    ).toBe(true)
    expect(
      isConnectionProblem(
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:3306"), { code: "ECONNREFUSED" }),
      ),
    ).toBe(true)
  })

  it("counts a refused login or a missing database as a connection problem", () => {
    const denied = serverError(
      1045,
      "ER_ACCESS_DENIED_ERROR",
      "Access denied for user 'app'@'localhost' (using password: YES)",
    )
    expect(isConnectionProblem(denied)).toBe(true)
    expect(isConnectionProblem(serverError(1049, "ER_BAD_DB_ERROR", "Unknown database 'x'"))).toBe(
      true,
    )
  })

  it("does not take a refused statement or another driver's error for a lost connection", () => {
    const duplicate = serverError(1062, "ER_DUP_ENTRY", "Duplicate entry 'x' for key 'PRIMARY'")
    expect(isConnectionProblem(duplicate)).toBe(false)
    expect(isConnectionProblem(new Error("Connection terminated unexpectedly"))).toBe(false)
    expect(isConnectionProblem(Object.assign(new Error("conn"), { code: "08006" }))).toBe(false)
  })

  it("never reports a lock timeout", () => {
    const error = { code: "SQLITE_BUSY", message: "database is locked" }
    expect(mysqlErrorClassifier.isLockTimeout(error, error.message)).toBe(false)
  })
})
