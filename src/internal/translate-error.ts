import type { DataSource, EntityMetadata } from "typeorm"
import { describeTarget } from "./describe-target"
import {
  CheckViolationError,
  ConcreteDbError,
  ConnectionError,
  ForeignKeyViolationError,
  NotNullViolationError,
  QueryError,
  UniqueViolationError,
} from "../errors"

/** What the session was doing when the error happened, to fill in what the driver leaves out. */
export interface ErrorContext {
  /** The table the failing statement wrote to. */
  readonly table?: string
  /** The error came from opening the database, not from a statement. */
  readonly opening?: boolean
}

type ViolationKind = "unique" | "foreignKey" | "check" | "notNull"

interface Violation {
  readonly kind: ViolationKind
  table?: string | undefined
  constraint?: string | undefined
  columns?: string[] | undefined
  value?: string | undefined
  /** A foreign key refused a delete or an update of the referenced row. */
  referenced?: boolean
}

interface DriverError {
  code?: string | number
  errno?: number
  message?: string
  sqlMessage?: string
  table?: string
  constraint?: string
  column?: string
  detail?: string
  fatal?: boolean
}

/** How to fix a failed CHECK, by constraint name. */
const CHECK_HINTS: Readonly<Record<string, string>> = {
  CHK_message_sender:
    "a message has exactly one sender: set userId or operatorId, not both and not neither",
}

const SECRET_COLUMN = /pass|secret|token|api_?key|credential/i

const PG_CONNECTION_CODES = /^(08|57P0[1-3]|53300)/
const NODE_CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_ACCESS_DENIED_ERROR",
  "ER_BAD_DB_ERROR",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
  "SQLITE_CANTOPEN",
])
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection lost|server closed the connection|Can't add new command when connection is in closed state/i

/**
 * Turns whatever a driver (or TypeORM around it) threw into a concrete-db error that names the
 * entity, property, value and constraint where it can, and keeps the original as `cause`.
 */
export function translateError(
  error: unknown,
  dataSource: DataSource | undefined,
  context: ErrorContext = {},
): ConcreteDbError {
  if (error instanceof ConcreteDbError) return error
  const wrapped = error as { driverError?: unknown }
  const driverError = (wrapped?.driverError ?? error) as DriverError
  const message = driverError?.sqlMessage ?? driverError?.message ?? String(error)

  const code = typeof driverError?.code === "string" ? driverError.code : undefined
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED" || /database is locked/i.test(message)) {
    const target = dataSource ? describeTarget(dataSource.options) : "the database"
    return new ConnectionError(
      `The database ${target} stayed locked by another writer for longer than the busy timeout; the transaction was rolled back, so retry it (or raise DB_SQLITE_BUSY_TIMEOUT_MS).`,
      { cause: error },
    )
  }
  if (isConnectionProblem(driverError, message)) {
    const target = dataSource ? describeTarget(dataSource.options) : "the database"
    return new ConnectionError(
      `The database ${target} is unreachable or dropped the connection (${firstLine(message)}); the transaction was rolled back, so retry once the server is reachable.`,
      { cause: error },
    )
  }
  const violation = classify(driverError, message)
  if (!violation) {
    if (context.opening) {
      const target = dataSource ? describeTarget(dataSource.options) : "the database"
      return new ConcreteDbError(`Could not open ${target}: ${firstLine(message)}.`, {
        cause: error,
      })
    }
    return new QueryError(`The database refused a statement: ${firstLine(message)}.`, {
      cause: error,
    })
  }
  violation.table ??= context.table
  return buildViolation(violation, dataSource, error)
}

function isConnectionProblem(error: DriverError, message: string): boolean {
  const code = typeof error?.code === "string" ? error.code : undefined
  if (code && PG_CONNECTION_CODES.test(code) && /^[0-9A-Z]{5}$/.test(code)) return true
  if (code && NODE_CONNECTION_CODES.has(code)) return true
  if (error?.fatal === true) return true
  return CONNECTION_MESSAGES.test(message)
}

function classify(error: DriverError, message: string): Violation | undefined {
  const code = error?.code
  // PostgreSQL: SQLSTATE codes with table, constraint and detail fields.
  if (typeof code === "string" && /^23[0-9A-Z]{3}$/.test(code)) {
    const detail = error.detail ?? ""
    const key = /Key \((.+?)\)=\((.*)\)/.exec(detail)
    const base = {
      table: error.table,
      constraint: error.constraint,
      columns: key ? key[1]!.split(", ").map(unquote) : error.column ? [error.column] : undefined,
      value: key?.[2],
    }
    if (code === "23505") return { kind: "unique", ...base }
    if (code === "23503") {
      return { kind: "foreignKey", ...base, referenced: /still referenced/.test(detail) }
    }
    if (code === "23514") return { kind: "check", ...base }
    if (code === "23502") return { kind: "notNull", ...base }
  }
  // MySQL / MariaDB: errno with the details in the message.
  const errno = error?.errno
  if (typeof errno === "number") {
    if (errno === 1062) {
      const match = /Duplicate entry '(.*)' for key '(?:[^.']+\.)?([^']+)'/.exec(message)
      return { kind: "unique", value: match?.[1], constraint: match?.[2] }
    }
    if (errno === 1451 || errno === 1452) {
      const match = /\(`[^`]+`\.`([^`]+)`, CONSTRAINT `([^`]+)` FOREIGN KEY \(`([^`]+)`\)/.exec(
        message,
      )
      return {
        kind: "foreignKey",
        table: match?.[1],
        constraint: match?.[2],
        columns: match?.[3] ? [match[3]] : undefined,
        referenced: errno === 1451,
      }
    }
    if (errno === 4025 || errno === 3819) {
      const match =
        /CONSTRAINT `([^`]+)` failed for `[^`]+`\.`([^`]+)`/.exec(message) ??
        /Check constraint '([^']+)' is violated/.exec(message)
      return { kind: "check", constraint: match?.[1], table: match?.[2] }
    }
    if (errno === 1048 || errno === 1364) {
      const match = /(?:Column|Field) '([^']+)'/.exec(message)
      return { kind: "notNull", columns: match?.[1] ? [match[1]] : undefined }
    }
  }
  // SQLite: extended result codes, with "table.column" lists in the message.
  if (typeof code === "string" && code.startsWith("SQLITE_CONSTRAINT")) {
    const after = message.replace(/^[A-Z ]+constraint failed:?\s*/i, "")
    const columns = after
      .split(",")
      .map((part) => part.trim())
      .filter((part) => /^\w+\.\w+$/.test(part))
    const table = columns[0]?.split(".")[0]
    const names = columns.map((part) => part.split(".")[1]!)
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
      return { kind: "unique", table, columns: names.length > 0 ? names : undefined }
    }
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return { kind: "foreignKey" }
    if (code === "SQLITE_CONSTRAINT_CHECK") {
      return { kind: "check", constraint: after && !after.includes(" ") ? after : undefined }
    }
    if (code === "SQLITE_CONSTRAINT_NOTNULL") {
      return { kind: "notNull", table, columns: names.length > 0 ? names : undefined }
    }
  }
  return undefined
}

function unquote(name: string): string {
  return name.replace(/^"|"$/g, "")
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/\.$/, "")
}

function buildViolation(
  violation: Violation,
  dataSource: DataSource | undefined,
  cause: unknown,
): ConcreteDbError {
  const metadata = findMetadata(dataSource, violation.table)
  const columns = violation.columns ?? constraintColumns(metadata, violation.constraint)
  const entity = metadata?.name ?? violation.table ?? "A row"
  const properties = columns?.map((column) => `${entity}.${propertyOf(metadata, column)}`)
  const subject = properties && properties.length > 0 ? properties.join(" + ") : entity
  const secret = columns?.some((column) => SECRET_COLUMN.test(column)) ?? false
  const value =
    violation.value === undefined ? "" : ` ${JSON.stringify(secret ? "***" : violation.value)}`
  const constraint = violation.constraint ? ` (${violation.constraint})` : ""
  const location = { table: violation.table, constraint: violation.constraint, columns }
  const options = { cause }

  switch (violation.kind) {
    case "unique":
      return new UniqueViolationError(
        `${subject}${value} is already taken${constraint}; use another value or update the existing row.`,
        location,
        options,
      )
    case "foreignKey": {
      if (violation.referenced) {
        return new ForeignKeyViolationError(
          `${entity}${value ? ` ${value.trim()}` : ""} is still referenced by other rows${constraint}; delete or re-point them first.`,
          location,
          options,
        )
      }
      const related = metadata?.foreignKeys.find(
        (key) =>
          key.name === violation.constraint ||
          (columns && key.columnNames.join() === columns.join()),
      )?.referencedEntityMetadata.name
      return new ForeignKeyViolationError(
        properties && properties.length > 0
          ? `${subject}${value} refers to a ${related ?? "row"} that does not exist${constraint}; save that ${related ?? "row"} first or fix the id.`
          : `A foreign key of ${entity} refers to a row that does not exist${constraint}; save the referenced rows first or fix the ids.`,
        location,
        options,
      )
    }
    case "check": {
      const hint = violation.constraint ? CHECK_HINTS[violation.constraint] : undefined
      return new CheckViolationError(
        `${entity} breaks the check${constraint}${hint ? `: ${hint}` : "; fix the values it checks"}.`,
        location,
        options,
      )
    }
    case "notNull":
      return new NotNullViolationError(
        `${subject} is required but was empty; set it before saving.`,
        location,
        options,
      )
  }
}

function findMetadata(
  dataSource: DataSource | undefined,
  table: string | undefined,
): EntityMetadata | undefined {
  if (!dataSource || !table) return undefined
  return dataSource.entityMetadatas.find(
    (metadata) => metadata.tableName === table || metadata.tablePath === table,
  )
}

function constraintColumns(
  metadata: EntityMetadata | undefined,
  constraint: string | undefined,
): string[] | undefined {
  if (!metadata || !constraint) return undefined
  const named =
    metadata.uniques.find((unique) => unique.name === constraint) ??
    metadata.indices.find((index) => index.name === constraint) ??
    metadata.foreignKeys.find((key) => key.name === constraint)
  return named?.columns.map((column) => column.databaseName)
}

function propertyOf(metadata: EntityMetadata | undefined, column: string): string {
  return (
    metadata?.columns.find((candidate) => candidate.databaseName === column)?.propertyName ?? column
  )
}
