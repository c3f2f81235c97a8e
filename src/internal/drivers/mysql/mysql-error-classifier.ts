import type { ErrorClassifier } from "../../errors/error-classifier"
import { isNetworkError } from "../../errors/network-error"

// mysql2's own codes for a lost connection, and the server's for a refused or killed one.
const CONNECTION_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_ACCESS_DENIED_ERROR",
  "ER_BAD_DB_ERROR",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
])
const CONNECTION_MESSAGES =
  /Connection lost|server closed the connection|Can't add new command when connection is in closed state/i

// mysql2 gives the server's `errno` and puts the details only in the message (`sqlMessage`).
export const mysqlErrorClassifier: ErrorClassifier = {
  isLockTimeout() {
    return false
  },

  isConnectionProblem(error, message) {
    if (typeof error.code === "string" && CONNECTION_CODES.has(error.code)) return true
    // mysql2 marks every error after which the connection is unusable as fatal.
    if (error.fatal === true) return true
    return isNetworkError(error) || CONNECTION_MESSAGES.test(message)
  },

  isTransactionConflict(error) {
    // ER_LOCK_DEADLOCK; a serialization failure has its SQLSTATE (MariaDB's optimistic engines).
    return error.errno === 1213 || error.sqlState === "40001"
  },

  isStatementTimeout(error) {
    // MariaDB's ER_STATEMENT_TIMEOUT (max_statement_time), MySQL's ER_QUERY_TIMEOUT.
    return error.errno === 1969 || error.errno === 3024
  },

  violation(error, message) {
    switch (error.errno) {
      // ER_DUP_ENTRY; MySQL 8 prefixes the key with its table ("user.UQ_user_email").
      case 1062: {
        const match = /Duplicate entry '(.*)' for key '(?:[^.']+\.)?([^']+)'/.exec(message)
        return { kind: "unique", value: match?.[1], constraint: match?.[2] }
      }
      // ER_ROW_IS_REFERENCED_2 (a delete or update of the parent), ER_NO_REFERENCED_ROW_2.
      case 1451:
      case 1452: {
        const match = /\(`[^`]+`\.`([^`]+)`, CONSTRAINT `([^`]+)` FOREIGN KEY \(`([^`]+)`\)/.exec(
          message,
        )
        return {
          kind: "foreignKey",
          table: match?.[1],
          constraint: match?.[2],
          columns: match?.[3] ? [match[3]] : undefined,
          referenced: error.errno === 1451,
        }
      }
      // MariaDB's ER_CONSTRAINT_FAILED, MySQL's ER_CHECK_CONSTRAINT_VIOLATED.
      case 4025:
      case 3819: {
        const match =
          /CONSTRAINT `([^`]+)` failed for `[^`]+`\.`([^`]+)`/.exec(message) ??
          /Check constraint '([^']+)' is violated/.exec(message)
        return { kind: "check", constraint: match?.[1], table: match?.[2] }
      }
      // ER_BAD_NULL_ERROR, ER_NO_DEFAULT_FOR_FIELD.
      case 1048:
      case 1364: {
        const match = /(?:Column|Field) '([^']+)'/.exec(message)
        return { kind: "notNull", columns: match?.[1] ? [match[1]] : undefined }
      }
      default:
        return undefined
    }
  },
}
