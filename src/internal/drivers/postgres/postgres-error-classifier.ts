import type { ErrorClassifier, Violation } from "../../errors/error-classifier"
import { isNetworkError } from "../../errors/network-error"

// SQLSTATE classes 08 (connection exception), 57P01-57P03 (the server shuts down or cannot
// start) and 53300 (too many connections). Not 08P01 (protocol violation): the server answers it
// to a statement it cannot take, such as one of more than 65,535 parameters, on a live connection.
const CONNECTION_CODES = /^(08(?!P01)|57P0[1-3]|53300)/
// What node-postgres and pg-pool throw themselves when a connection fails or times out; and what
// TypeORM throws when its query runner is used after it released it because its pg client
// reported an error (the connection dropped while the session held it).
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query runner already released|query runner was already released/i

// node-postgres passes the server's error fields on: SQLSTATE `code`, `table`, `constraint`,
// `column`, and `detail` such as "Key (email)=(a@b.c) already exists.".
export const postgresErrorClassifier: ErrorClassifier = {
  isLockTimeout() {
    return false
  },

  isConnectionProblem(error, message) {
    const code = typeof error.code === "string" ? error.code : undefined
    if (code && CONNECTION_CODES.test(code) && /^[0-9A-Z]{5}$/.test(code)) return true
    return isNetworkError(error) || CONNECTION_MESSAGES.test(message)
  },

  isTransactionConflict(error) {
    // serialization_failure, deadlock_detected.
    return error.code === "40001" || error.code === "40P01"
  },

  isStatementTimeout(error, message) {
    // query_canceled is also what pg_cancel_backend gives; only the message tells them apart.
    return error.code === "57014" && /statement timeout/i.test(message)
  },

  violation(error) {
    const code = error.code
    // Class 23: integrity constraint violation.
    if (typeof code !== "string" || !/^23[0-9A-Z]{3}$/.test(code)) return undefined
    const detail = error.detail ?? ""
    const key = /Key \((.+?)\)=\((.*)\)/.exec(detail)
    const base: Omit<Violation, "kind"> = {
      table: error.table,
      constraint: error.constraint,
      columns: key ? key[1]!.split(", ").map(unquote) : error.column ? [error.column] : undefined,
      value: key?.[2],
    }
    switch (code) {
      case "23505":
        return { kind: "unique", ...base }
      case "23503":
        return { kind: "foreignKey", ...base, referenced: /still referenced/.test(detail) }
      case "23514":
        return { kind: "check", ...base }
      case "23502":
        return { kind: "notNull", ...base }
      default:
        return undefined
    }
  },
}

function unquote(name: string): string {
  return name.replace(/^"|"$/g, "")
}
