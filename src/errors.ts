/**
 * Every error concrete-db throws extends `ConcreteDbError`; the driver's own error, when there is
 * one, is kept as `cause`.
 *
 * @example
 * try {
 *   await session.commit()
 * } catch (error) {
 *   if (error instanceof UniqueViolationError) console.log(error.table, error.constraint)
 *   else throw error
 * }
 */
export class ConcreteDbError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/**
 * The environment (or the options given) does not describe a usable database. `problems` lists
 * every problem found, each also part of the message; a password is never part of either.
 */
export class ConfigurationError extends ConcreteDbError {
  readonly problems: readonly string[]

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(
      problems.length === 1
        ? `Invalid database configuration: ${problems[0]}`
        : `Invalid database configuration: ${problems.join("; ")}`,
      options,
    )
    this.problems = problems
  }
}

/** One property of an input that failed validation, and why. */
export interface ValidationIssue {
  /** `Entity.property` path, e.g. `UserCreate.email` or `MessageCreate.content`. */
  readonly property: string
  /** What is wrong with it, one reason per entry. */
  readonly reasons: readonly string[]
}

/**
 * Input was rejected before anything was written. `issues` names every bad property and why.
 */
export class ValidationError extends ConcreteDbError {
  readonly issues: readonly ValidationIssue[]

  constructor(issues: readonly ValidationIssue[], options?: { cause?: unknown }) {
    const detail = issues.map((issue) => `${issue.property} ${issue.reasons.join(", ")}`).join("; ")
    super(`Invalid input: ${detail}.`, options)
    this.issues = issues
  }
}

/** Where in the schema a constraint violation happened, as far as the database said. */
export interface ConstraintLocation {
  readonly table?: string | undefined
  readonly constraint?: string | undefined
  readonly columns?: readonly string[] | undefined
}

/**
 * The database refused a write because of a constraint. The subclasses say which kind; the
 * transaction it happened in has been rolled back.
 */
export class ConstraintViolationError extends ConcreteDbError {
  readonly table: string | undefined
  readonly constraint: string | undefined
  readonly columns: readonly string[] | undefined

  constructor(message: string, location: ConstraintLocation, options?: { cause?: unknown }) {
    super(message, options)
    this.table = location.table
    this.constraint = location.constraint
    this.columns = location.columns
  }
}

/** A row would duplicate a unique key (an email, a name within its orchestrator, …). */
export class UniqueViolationError extends ConstraintViolationError {}

/** A row refers to a row that does not exist, or a referenced row is still in use. */
export class ForeignKeyViolationError extends ConstraintViolationError {}

/** A CHECK constraint failed (for example a message with both or neither sender). */
export class CheckViolationError extends ConstraintViolationError {}

/** A required column was left empty. */
export class NotNullViolationError extends ConstraintViolationError {}

/**
 * The database could not be reached, or the connection broke. Names host and port, never the
 * password.
 */
export class ConnectionError extends ConcreteDbError {}

/**
 * The connection dropped after COMMIT was sent and before the server answered: the transaction
 * may or may not have been committed. `withTransaction` never runs the callback again after this
 * error; check whether the writes are there before redoing them.
 *
 * @example
 * try {
 *   await withTransaction((session) => chargeOnce(session))
 * } catch (error) {
 *   if (error instanceof CommitOutcomeUnknownError) await checkWhetherCharged()
 *   else throw error
 * }
 */
export class CommitOutcomeUnknownError extends ConnectionError {}

/** A database error that is none of the above; the driver's error is the `cause`. */
export class QueryError extends ConcreteDbError {}

/**
 * The database rolled the transaction back because it conflicted with another one: a
 * serialization failure (SQLSTATE 40001) or a deadlock (PostgreSQL 40P01, MySQL/MariaDB 1213).
 * Nothing of it was written; running it again usually succeeds, which `withTransaction` does.
 */
export class TransactionConflictError extends QueryError {}

/**
 * A statement ran longer than `DB_STATEMENT_TIMEOUT_MS` and the database cancelled it; the
 * session's transaction was rolled back, so nothing of it was written.
 */
export class StatementTimeoutError extends QueryError {}

/**
 * A session was used in a state that does not allow it: after `close()`, or after a failed flush
 * before `rollback()`.
 */
export class SessionStateError extends ConcreteDbError {}

/**
 * An UPDATE of an entity with a `@VersionColumn` found its row changed (or deleted) by another
 * session since this one read it: nothing of the flush was written (its transaction was rolled
 * back). `rollback()`, read the row again and redo the change, or tell the user. Names the entity
 * and its id.
 *
 * @example
 * try {
 *   await session.commit()
 * } catch (error) {
 *   if (!(error instanceof StaleUpdateError)) throw error
 *   await session.rollback() // then read error.entity error.id again and retry
 * }
 */
export class StaleUpdateError extends ConcreteDbError {
  readonly entity: string
  readonly id: string

  constructor(entity: string, id: string, version: unknown) {
    super(
      `${entity} ${id} was changed or deleted by another session since it was read (this session read version ${String(version)}); nothing was written. Roll back, read it again and redo the change.`,
    )
    this.entity = entity
    this.id = id
  }
}

/** A row the caller relies on does not exist (for example `session.refresh` of a deleted row). */
export class NotFoundError extends ConcreteDbError {}

/**
 * A class was used as an entity that the data source does not hold: it is not declared with
 * `@Entity()`, or (on the default data source) its module was loaded only after `getDataSource()`
 * opened. `entity` is the class's name.
 */
export class UnknownEntityError extends ConcreteDbError {
  readonly entity: string

  constructor(entity: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.entity = entity
  }
}

/**
 * An entity of the application has no table in a configured database: its migration was not
 * written or not applied. Names the entity, the table and the commands that fix it.
 *
 * @example
 * // MissingTableError: MyModel's table "my_model" does not exist in postgres://app:***@db:5432/app; …
 */
export class MissingTableError extends ConcreteDbError {
  readonly entity: string
  readonly table: string

  constructor(entity: string, table: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.entity = entity
    this.table = table
  }
}

/**
 * A stored message (or a plain object said to be one) could not be turned back into an instance of
 * its message class: its type is not registered, its content is not JSON, or the JSON does not fit
 * the class. Names the message id (when there is one) and the type; `problems` lists what is wrong.
 *
 * @example
 * try {
 *   row.toObj()
 * } catch (error) {
 *   if (error instanceof MessageDecodeError) console.log(error.messageId, error.messageType)
 *   else throw error
 * }
 */
export class MessageDecodeError extends ConcreteDbError {
  readonly messageId: string | undefined
  readonly messageType: string
  readonly problems: readonly string[]

  constructor(
    detail: { messageId?: string | undefined; messageType: string; problems: readonly string[] },
    options?: { cause?: unknown },
  ) {
    const subject =
      detail.messageId === undefined
        ? `a "${detail.messageType}" message`
        : `message ${detail.messageId} of type "${detail.messageType}"`
    super(`Cannot decode ${subject}: ${detail.problems.join("; ")}`, options)
    this.messageId = detail.messageId
    this.messageType = detail.messageType
    this.problems = detail.problems
  }
}

/** Why an LLM client could not produce an answer. */
export type LlmClientErrorReason =
  "http" | "timeout" | "aborted" | "network" | "refusal" | "invalid-answer" | "script-exhausted"

/**
 * An LLM client could not produce an answer of the requested message type: the server answered
 * with an HTTP error, timed out or could not be reached, the model refused, the answer was empty,
 * not JSON or did not fit the type, or a scripted client ran out of answers. `reason` says which;
 * `status` is the HTTP status when there was one. An API key is never part of the message.
 *
 * @example
 * try {
 *   await client.complete({ messages, responseType: PlannedComponents })
 * } catch (error) {
 *   if (error instanceof LlmClientError && error.reason === "timeout") retryLater()
 *   else throw error
 * }
 */
export class LlmClientError extends ConcreteDbError {
  readonly reason: LlmClientErrorReason
  readonly status: number | undefined

  constructor(
    message: string,
    detail: { reason: LlmClientErrorReason; status?: number | undefined },
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.reason = detail.reason
    this.status = detail.status
  }
}
