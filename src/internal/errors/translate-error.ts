import type { DataSource, EntityMetadata } from "typeorm"
import {
  CheckViolationError,
  ConcreteDbError,
  ConnectionError,
  ForeignKeyViolationError,
  NotNullViolationError,
  QueryError,
  StatementTimeoutError,
  TransactionConflictError,
  UniqueViolationError,
} from "../../errors"
import { describeTarget } from "../describe-target"
import { mysqlErrorClassifier } from "../drivers/mysql/mysql-error-classifier"
import { postgresErrorClassifier } from "../drivers/postgres/postgres-error-classifier"
import { sqliteErrorClassifier, sqliteFileProblem } from "../drivers/sqlite/sqlite-error-classifier"
import { checkHint } from "./check-hints"
import type { DriverError, ErrorClassifier, Violation } from "./error-classifier"

/** What the session was doing when the error happened, to fill in what the driver leaves out. */
export interface ErrorContext {
  /** The table the failing statement wrote to. */
  readonly table?: string
  /** The error came from opening the database, not from a statement. */
  readonly opening?: boolean
}

const SECRET_COLUMN = /pass|secret|token|api_?key|credential/i

// Without a data source (or with one of another type) the error may come from any driver; their
// codes do not overlap, so asking each in turn is safe.
const EVERY_CLASSIFIER: readonly ErrorClassifier[] = [
  postgresErrorClassifier,
  mysqlErrorClassifier,
  sqliteErrorClassifier,
]

function classifiersFor(dataSource: DataSource | undefined): readonly ErrorClassifier[] {
  switch (dataSource?.options.type) {
    case "postgres":
      return [postgresErrorClassifier]
    case "mysql":
    case "mariadb":
      return [mysqlErrorClassifier]
    case "better-sqlite3":
      return [sqliteErrorClassifier]
    default:
      return EVERY_CLASSIFIER
  }
}

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
  const raw = (error as { driverError?: unknown } | null | undefined)?.driverError ?? error
  const driverError = (typeof raw === "object" && raw !== null ? raw : {}) as DriverError
  const message = driverError.sqlMessage ?? driverError.message ?? String(error)
  const classifiers = classifiersFor(dataSource)
  const target = dataSource ? describeTarget(dataSource.options) : "the database"

  if (classifiers.some((classifier) => classifier.isLockTimeout(driverError, message))) {
    return new ConnectionError(
      `The database ${target} stayed locked by another writer for longer than the busy timeout; the transaction was rolled back, so retry it (or raise DB_SQLITE_BUSY_TIMEOUT_MS).`,
      { cause: error },
    )
  }
  if (classifiers.includes(sqliteErrorClassifier)) {
    const file = sqliteFile(dataSource)
    const problem = sqliteFileProblem(driverError, file)
    const name = file === undefined ? "The SQLite file" : `The SQLite file ${file}`
    if (problem?.kind === "open") {
      return new ConnectionError(
        `${name} ${problem.reason} (${firstLine(message)}); nothing was written. Point DB_DATABASE at a database file this process may read and write.`,
        { cause: error },
      )
    }
    if (problem?.kind === "write") {
      return new QueryError(
        `${name} ${problem.reason} (${firstLine(message)}); the transaction was rolled back.`,
        { cause: error },
      )
    }
  }
  if (classifiers.some((classifier) => classifier.isConnectionProblem(driverError, message))) {
    return new ConnectionError(
      `The database ${target} is unreachable or dropped the connection (${firstLine(message)}); the transaction was rolled back, so retry once the server is reachable.`,
      { cause: error },
    )
  }
  if (classifiers.some((classifier) => classifier.isTransactionConflict(driverError))) {
    return new TransactionConflictError(
      `The database ${target} rolled the transaction back because it conflicted with a concurrent one (${firstLine(message)}); nothing of it was written, so run it again (withTransaction does, up to DB_TRANSACTION_RETRIES times).`,
      { cause: error },
    )
  }
  if (classifiers.some((classifier) => classifier.isStatementTimeout(driverError, message))) {
    return new StatementTimeoutError(
      `A statement on ${target} ran past DB_STATEMENT_TIMEOUT_MS and was cancelled (${firstLine(message)}); the transaction was rolled back, so make the statement cheaper or raise DB_STATEMENT_TIMEOUT_MS.`,
      { cause: error },
    )
  }
  let violation: Violation | undefined
  for (const classifier of classifiers) {
    violation ??= classifier.violation(driverError, message)
  }
  if (violation) {
    return buildViolation(
      { ...violation, table: violation.table ?? context.table },
      dataSource,
      error,
    )
  }
  if (context.opening) {
    return new ConcreteDbError(`Could not open ${target}: ${firstLine(message)}.`, {
      cause: error,
    })
  }
  return new QueryError(`The database refused a statement: ${firstLine(message)}.`, {
    cause: error,
  })
}

function sqliteFile(dataSource: DataSource | undefined): string | undefined {
  const database = dataSource?.options.type === "better-sqlite3" ? dataSource.options.database : ""
  return typeof database === "string" && database !== "" ? database : undefined
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
      const hint = violation.constraint ? checkHint(violation.constraint) : undefined
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
