import {
  ConnectionError,
  QueryError,
  StatementTimeoutError,
  TransactionConflictError,
} from "../../../src"
import { translateError } from "../../../src/internal/errors/translate-error"

function driverError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields)
}

describe("translateError of transient failures", () => {
  it.each([
    [
      "PostgreSQL's serialization failure",
      driverError("could not serialize access due to concurrent update", { code: "40001" }),
    ],
    ["PostgreSQL's deadlock", driverError("deadlock detected", { code: "40P01" })],
    [
      "MySQL/MariaDB's deadlock",
      driverError("Deadlock found when trying to get lock; try restarting transaction", {
        errno: 1213,
        code: "ER_LOCK_DEADLOCK",
        sqlState: "40001",
      }),
    ],
  ])("makes %s a TransactionConflictError that says it may run again", (_, error) => {
    const translated = translateError(error, undefined)
    expect(translated).toBeInstanceOf(TransactionConflictError)
    expect(translated).toBeInstanceOf(QueryError)
    expect(translated.message).toMatch(
      /rolled the transaction back because it conflicted with a concurrent one .*; nothing of it was written, so run it again \(withTransaction does, up to DB_TRANSACTION_RETRIES times\)\.$/,
    )
    expect(translated.cause).toBe(error)
  })

  it.each([
    [
      "PostgreSQL's statement_timeout",
      driverError("canceling statement due to statement timeout", { code: "57014" }),
    ],
    [
      "MariaDB's max_statement_time",
      driverError("Query execution was interrupted (max_statement_time exceeded)", {
        errno: 1969,
      }),
    ],
    [
      "MySQL's max_execution_time",
      driverError("Query execution was interrupted, maximum statement execution time exceeded", {
        errno: 3024,
      }),
    ],
  ])("makes %s a StatementTimeoutError naming the variable", (_, error) => {
    const translated = translateError(error, undefined)
    expect(translated).toBeInstanceOf(StatementTimeoutError)
    expect(translated.message).toMatch(
      /ran past DB_STATEMENT_TIMEOUT_MS and was cancelled .*; the transaction was rolled back/,
    )
  })

  it("leaves a statement cancelled by hand (pg_cancel_backend) a plain QueryError", () => {
    const translated = translateError(
      driverError("canceling statement due to user request", { code: "57014" }),
      undefined,
    )
    expect(translated).not.toBeInstanceOf(StatementTimeoutError)
    expect(translated).toBeInstanceOf(QueryError)
  })

  it("keeps a terminated backend a ConnectionError", () => {
    const translated = translateError(
      driverError("terminating connection due to administrator command", { code: "57P01" }),
      undefined,
    )
    expect(translated).toBeInstanceOf(ConnectionError)
  })
})
