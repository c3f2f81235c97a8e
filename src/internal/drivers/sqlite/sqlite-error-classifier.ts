import { accessSync, constants, statSync } from "node:fs"
import { dirname } from "node:path"
import type { DriverError, ErrorClassifier } from "../../errors/error-classifier"

/** What is wrong with an SQLite file that could not be opened or written. */
export interface SqliteFileProblem {
  /** `open`: SQLite could not open the file; `write`: it opened, but refuses writes. */
  readonly kind: "open" | "write"
  /** Ends a sentence that starts with the file's name, e.g. "is a directory, not a file". */
  readonly reason: string
}

/**
 * Says what is wrong with the SQLite file `file` when `error` means SQLite could not open it
 * (SQLITE_CANTOPEN: looked up on disk, so a directory, a missing folder or missing permissions
 * are named) or may not write it (SQLITE_READONLY and its extended codes). Undefined for any
 * other error.
 */
export function sqliteFileProblem(
  error: DriverError,
  file: string | undefined,
): SqliteFileProblem | undefined {
  const code = typeof error.code === "string" ? error.code : ""
  if (code.startsWith("SQLITE_READONLY")) {
    return {
      kind: "write",
      reason:
        code === "SQLITE_READONLY_DIRECTORY"
          ? "is read-only: this process may not write in its folder (check the folder's permissions)"
          : "is read-only: this process may not write it (a read-only file, folder or mount, a data source opened read-only, or PRAGMA query_only)",
    }
  }
  if (!code.startsWith("SQLITE_CANTOPEN")) return undefined
  return { kind: "open", reason: whyNotOpened(code, file) }
}

function whyNotOpened(code: string, file: string | undefined): string {
  const fallback = "cannot be opened as a database file"
  if (code === "SQLITE_CANTOPEN_ISDIR") return "is a directory, not a database file"
  if (file === undefined || file === "" || file === ":memory:") return fallback
  const folder = dirname(file)
  const folderStat = statSync(folder, { throwIfNoEntry: false })
  if (folderStat === undefined) return `is in a folder that does not exist (${folder})`
  if (!folderStat.isDirectory()) return `is in ${folder}, which is not a folder`
  const fileStat = statSync(file, { throwIfNoEntry: false })
  if (fileStat?.isDirectory()) return "is a directory, not a database file"
  try {
    accessSync(fileStat ? file : folder, constants.R_OK | constants.W_OK)
  } catch {
    return fileStat
      ? "may not be read and written by this process (check its permissions)"
      : `cannot be created: this process may not write in ${folder} (check its permissions)`
  }
  return fileStat?.isFile() === false ? "is not a regular file" : fallback
}

// better-sqlite3 throws SqliteError with SQLite's extended result code as `code` and the
// columns as "table.column" lists in the message, e.g. "UNIQUE constraint failed: user.email".
export const sqliteErrorClassifier: ErrorClassifier = {
  isLockTimeout(error, message) {
    return (
      error.code === "SQLITE_BUSY" ||
      error.code === "SQLITE_LOCKED" ||
      /database is locked/i.test(message)
    )
  },

  isConnectionProblem(error) {
    return error.code === "SQLITE_CANTOPEN"
  },

  // One writer at a time: SQLite has neither serialization failures nor deadlocks.
  isTransactionConflict() {
    return false
  },

  isStatementTimeout() {
    return false
  },

  violation(error, message) {
    const code = error.code
    if (typeof code !== "string" || !code.startsWith("SQLITE_CONSTRAINT")) return undefined
    const after = message.replace(/^[A-Z ]+constraint failed:?\s*/i, "")
    const columns = after
      .split(",")
      .map((part) => part.trim())
      .filter((part) => /^\w+\.\w+$/.test(part))
    const table = columns[0]?.split(".")[0]
    const names = columns.map((part) => part.split(".")[1]!)
    switch (code) {
      case "SQLITE_CONSTRAINT_UNIQUE":
      case "SQLITE_CONSTRAINT_PRIMARYKEY":
        return { kind: "unique", table, columns: names.length > 0 ? names : undefined }
      // SQLite names neither the table nor the key; the session knows the table.
      case "SQLITE_CONSTRAINT_FOREIGNKEY":
        return { kind: "foreignKey" }
      // The message ends with the constraint's name, or with its expression when it has none.
      case "SQLITE_CONSTRAINT_CHECK":
        return { kind: "check", constraint: after && !after.includes(" ") ? after : undefined }
      case "SQLITE_CONSTRAINT_NOTNULL":
        return { kind: "notNull", table, columns: names.length > 0 ? names : undefined }
      default:
        return undefined
    }
  },
}
