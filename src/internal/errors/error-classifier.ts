/** The fields better-sqlite3, node-postgres and mysql2 put on the errors they throw. */
export interface DriverError {
  code?: string | number
  errno?: number
  message?: string
  sqlMessage?: string
  table?: string
  constraint?: string
  column?: string
  detail?: string
  fatal?: boolean
  /** mysql2: the server's SQLSTATE. */
  sqlState?: string
}

export type ViolationKind = "unique" | "foreignKey" | "check" | "notNull"

/** A constraint a statement broke, with what the driver said about where. */
export interface Violation {
  readonly kind: ViolationKind
  readonly table?: string | undefined
  readonly constraint?: string | undefined
  /** Database column names. */
  readonly columns?: string[] | undefined
  /** The offending value as the database printed it. */
  readonly value?: string | undefined
  /** A foreign key refused a delete or an update of the referenced row. */
  readonly referenced?: boolean
}

/**
 * What one database's errors mean. `message` is the driver's own text (mysql2's `sqlMessage`,
 * else `message`), which is where some drivers put the details.
 */
export interface ErrorClassifier {
  /** The database stayed locked by another writer for longer than the driver waits. */
  isLockTimeout(error: DriverError, message: string): boolean
  /** The server could not be reached, refused the login or dropped the connection. */
  isConnectionProblem(error: DriverError, message: string): boolean
  /** The server rolled the transaction back for a serialization failure or a deadlock. */
  isTransactionConflict(error: DriverError): boolean
  /** The server cancelled a statement that ran past the configured statement timeout. */
  isStatementTimeout(error: DriverError, message: string): boolean
  /** The constraint the statement broke, or undefined when the error is not a violation. */
  violation(error: DriverError, message: string): Violation | undefined
}
