import type { ErrorClassifier } from "../../errors/error-classifier"

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
