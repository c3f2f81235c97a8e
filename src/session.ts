import type {
  DataSource,
  EntityManager,
  EntityTarget,
  FindManyOptions,
  FindOneOptions,
  ObjectLiteral,
} from "typeorm"
import { getDataSource } from "./create-data-source"
import { type ConcreteDbError, NotFoundError, SessionStateError } from "./errors"
import { openConnection, type Connection } from "./internal/drivers/connection"
import { dialectOf, type Dialect } from "./internal/drivers/dialect"
import { adaptPortableColumns } from "./internal/portable-types"
import type { EntityPlan } from "./internal/entity-plan"
import { loadRelations } from "./internal/relation-loader"
import { compileSimpleFind, type CompiledFind } from "./internal/simple-find"
import { translateError } from "./internal/errors/translate-error"
import { UnitOfWork, isEmptyWork, type Work } from "./internal/unit-of-work"
import { isUuid } from "./uuid"

/** Options of a `Session`. */
export interface SessionOptions {
  /**
   * SQLite only: how long a session waits for the sessions ahead of it on the same data source
   * before it fails with a `ConnectionError`. Default 30 000 ms.
   */
  readonly lockTimeoutMs?: number
}

const DEFAULT_LOCK_TIMEOUT_MS = 30_000

type State = "idle" | "active" | "failed" | "closed"

const initializing = new WeakMap<DataSource, Promise<DataSource>>()

async function ready(dataSource: DataSource): Promise<DataSource> {
  if (!dataSource.isInitialized) {
    let pending = initializing.get(dataSource)
    if (!pending) {
      // A failed attempt (a server that is down) is forgotten, so the next session tries again.
      pending = dataSource.initialize().finally(() => initializing.delete(dataSource))
      initializing.set(dataSource, pending)
    }
    await pending
  }
  adaptPortableColumns(dataSource)
  return dataSource
}

// EntityManager methods that talk to the database: through `session.manager` they first flush
// the session and run inside its transaction.
const ASYNC_MANAGER_METHODS = new Set([
  "query",
  "save",
  "remove",
  "softRemove",
  "recover",
  "insert",
  "update",
  "upsert",
  "delete",
  "softDelete",
  "restore",
  "exists",
  "existsBy",
  "count",
  "countBy",
  "sum",
  "average",
  "minimum",
  "maximum",
  "find",
  "findBy",
  "findAndCount",
  "findAndCountBy",
  "findOne",
  "findOneBy",
  "findOneOrFail",
  "findOneByOrFail",
  "clear",
  "increment",
  "decrement",
  "preload",
  "transaction",
])

/**
 * A unit of work over one database transaction, like SQLAlchemy's `Session`: stage objects with
 * `add`/`delete`, write them with `flush`/`commit`. Objects read or committed through the session
 * are tracked, so changing a field and committing writes an UPDATE of just that column.
 *
 * A transaction begins on first use and ends with `commit`, `rollback` or `close`; the session
 * then stays usable and the next use begins a new one. An error while writing rolls the whole
 * transaction back and the session refuses further work until `rollback()`.
 *
 * On SQLite, sessions of one data source take turns (a FIFO lock from their first statement to
 * commit, rollback or close); on PostgreSQL and MySQL they run in parallel on pooled connections.
 *
 * @example
 * await using session = new Session()
 * const user = session.add(Object.assign(new User(), { email: "ada@example.com" }))
 * await session.commit()
 * user.firstName = "Ada"
 * await session.commit() // UPDATE "user" SET "first_name" = …, "updated_at" = … WHERE "id" = …
 */
export class Session implements AsyncDisposable {
  private state: State = "idle"
  private failure: ConcreteDbError | undefined
  private dataSource: DataSource | undefined
  private dialect: Dialect | undefined
  private connection: Connection | undefined
  private readonly unitOfWork = new UnitOfWork()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly source: DataSource | Promise<DataSource> | undefined
  private readonly lockTimeoutMs: number
  private currentTable: string | undefined
  private managerProxy: EntityManager | undefined

  /**
   * @param dataSource the data source to work on; default: `getDataSource()`, the shared one
   * built from the environment. Nothing connects until the session is first used.
   */
  constructor(dataSource?: DataSource | Promise<DataSource>, options: SessionOptions = {}) {
    this.source = dataSource
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS
  }

  /** Whether the session holds a connection (from its first use to commit, rollback or close). */
  get isActive(): boolean {
    return this.connection !== undefined
  }

  /** Whether a database transaction is open (from the first write to commit or rollback). */
  get inTransaction(): boolean {
    return this.connection?.inTransaction ?? false
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.state === "closed"
  }

  /**
   * Stages an entity (and, through its relations, every new entity it reaches) for INSERT; an
   * entity already in the database is tracked instead. Nothing is written until `flush`/`commit`.
   * Returns the entity.
   */
  add<T extends object>(entity: T): T {
    this.assertUsable("add")
    assertEntityObject(entity, "add")
    this.unitOfWork.add(entity)
    return entity
  }

  /** `add` for each entity; returns them. */
  addAll<T extends object>(entities: Iterable<T>): T[] {
    const added: T[] = []
    for (const entity of entities) added.push(this.add(entity))
    return added
  }

  /**
   * Stages an entity for DELETE; the database's ON DELETE rules remove what depends on it. An
   * entity that was only added is simply dropped from the session.
   */
  delete(entity: object): void {
    this.assertUsable("delete")
    assertEntityObject(entity, "delete")
    this.unitOfWork.delete(entity)
  }

  /** Begins the transaction now instead of on first use. */
  begin(): Promise<void> {
    return this.serialize(async () => {
      await this.beginNow()
    })
  }

  /** Writes staged work inside the open transaction (beginning one if needed). */
  flush(): Promise<void> {
    return this.serialize(() => this.flushNow())
  }

  /** Flushes, then commits. The session stays usable; the next use begins a new transaction. */
  commit(): Promise<void> {
    return this.serialize(async () => {
      await this.flushNow()
      const connection = this.connection
      if (!connection) return
      try {
        await connection.commit()
      } catch (error) {
        throw await this.fail(error)
      }
      this.unitOfWork.committed()
      this.connection = undefined
      this.state = "idle"
      await connection.release()
    })
  }

  /**
   * Discards staged work and rolls back the open transaction; after a failed flush or commit, it
   * makes the session usable again. Tracked objects get back what the database holds: changes
   * made to them in memory are dropped, as when an ORM expires its objects on rollback.
   */
  rollback(): Promise<void> {
    return this.serialize(async () => {
      if (this.state === "closed") return
      await this.rollbackNow()
      if (this.dataSource) this.unitOfWork.revertAll()
    })
  }

  /** Rolls back what was not committed and releases the connection. Idempotent. */
  close(): Promise<void> {
    return this.serialize(async () => {
      if (this.state === "closed") return
      try {
        await this.rollbackNow()
      } finally {
        this.unitOfWork.clear()
        this.state = "closed"
      }
    })
  }

  /** `await using session = new Session()` closes it (without committing) at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /**
   * The entity with this primary key, or null: the session's own instance if it has one,
   * otherwise read inside the transaction (after flushing staged work).
   */
  get<T extends ObjectLiteral>(target: EntityTarget<T>, id: unknown): Promise<T | null> {
    return this.serialize(async () => {
      const dataSource = await this.resolve()
      const plan = this.unitOfWork.planOfTarget(dataSource.getMetadata(target).target)
      if (plan.primary.length !== 1) {
        throw new TypeError(
          `${plan.metadata.name} has a composite primary key; use session.findOne`,
        )
      }
      const key = plan.keyOfId(id)
      const known = this.unitOfWork.lookup(plan, key)
      if (known) return known as T
      await this.flushNow()
      const again = this.unitOfWork.lookup(plan, key)
      if (again) return again as T
      // A malformed uuid can match no row; asking PostgreSQL would abort the transaction.
      if (plan.primary[0]!.column.type === "uuid" && !isUuid(id)) return null
      const rows = await this.read(plan.metadata.tableName, (transaction) =>
        transaction.rows(plan.selectByIdSql(), [plan.primary[0]!.toDatabase(id)]),
      )
      const row = rows[0]
      return row ? (this.unitOfWork.adoptRow(plan, row) as T) : null
    })
  }

  /**
   * Entities matching TypeORM find options, read inside the transaction after a flush. Simple
   * finds (column equality, order, take, skip) run on the session's own fast path.
   */
  find<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    options?: FindManyOptions<T>,
  ): Promise<T[]> {
    return this.serialize(async () => {
      const dataSource = await this.resolve()
      await this.flushNow()
      const metadata = dataSource.getMetadata(target)
      const plan = this.unitOfWork.planOfTarget(metadata.target)
      const compiled = compileSimpleFind(
        plan,
        this.dialect!,
        options as FindManyOptions,
        this.planOf,
      )
      if (compiled) {
        return (await this.readCompiled(metadata.tableName, plan, compiled)) as T[]
      }
      const loaded = await this.read(metadata.tableName, (transaction) =>
        transaction.queryRunner.manager.find(target, options),
      )
      return this.unitOfWork.adoptLoaded(loaded)
    })
  }

  /** The first entity matching TypeORM find options, or null. */
  async findOne<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    options: FindOneOptions<T>,
  ): Promise<T | null> {
    const [first] = await this.find(target, { ...options, take: 1 })
    return first ?? null
  }

  /**
   * Reloads an entity's columns from the database (after flushing), discarding changes made in
   * memory.
   *
   * @throws NotFoundError when its row no longer exists.
   */
  refresh<T extends object>(entity: T): Promise<T> {
    assertEntityObject(entity, "refresh")
    return this.serialize(async () => {
      await this.resolve()
      // The entity's own changes are discarded, not written; everything else is flushed.
      this.unitOfWork.revert(entity)
      await this.flushNow()
      const plan = this.unitOfWork.planFor(entity)
      const ids = plan.primary.map((column) =>
        column.toDatabase((entity as Record<string, unknown>)[column.property!]),
      )
      const rows = await this.read(plan.metadata.tableName, (transaction) =>
        transaction.rows(plan.selectByIdSql(), ids),
      )
      const row = rows[0]
      if (!row) {
        throw new NotFoundError(
          `${plan.metadata.name} ${ids.join(", ")} no longer exists in the database; it was deleted, or never committed.`,
        )
      }
      this.unitOfWork.refreshFromRow(plan, entity, row)
      return entity
    })
  }

  /**
   * The TypeORM EntityManager of the session's transaction, for anything the session does not
   * cover (query builders, raw SQL, aggregates). Its database calls flush the session first and
   * run inside the same transaction. Rows it writes are not tracked by the session.
   *
   * @example
   * const count = await session.manager.count(Message, { where: { projectId } })
   */
  get manager(): EntityManager {
    this.assertOpen("manager")
    this.managerProxy ??= new Proxy({} as EntityManager, {
      get: (_target, property) => {
        if (typeof property === "string" && ASYNC_MANAGER_METHODS.has(property)) {
          return (...args: unknown[]) =>
            this.serialize(async () => {
              await this.flushNow()
              await this.beginNow()
              return this.read(undefined, (transaction) => {
                const manager = transaction.queryRunner.manager as unknown as Record<
                  string,
                  (...callArgs: unknown[]) => Promise<unknown>
                >
                return manager[property]!.apply(transaction.queryRunner.manager, args)
              })
            })
        }
        const connection = this.connection
        if (!connection?.inTransaction) {
          throw new SessionStateError(
            `session.manager.${String(property)} needs an open transaction; call await session.begin() first.`,
          )
        }
        const value = (connection.queryRunner.manager as unknown as Record<PropertyKey, unknown>)[
          property
        ]
        return typeof value === "function"
          ? (value as (...args: unknown[]) => unknown).bind(connection.queryRunner.manager)
          : value
      },
    })
    return this.managerProxy
  }

  /** The data source this session works on (initialized). */
  getDataSource(): Promise<DataSource> {
    return this.resolve()
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  // One operation at a time: a session is one transaction on one connection.
  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation)
    this.queue = result.catch(() => undefined)
    return result
  }

  private assertOpen(action: string): void {
    if (this.state === "closed") {
      throw new SessionStateError(`Session.${action} was called after close(); open a new Session.`)
    }
  }

  private assertUsable(action = "use"): void {
    this.assertOpen(action)
    if (this.state === "failed") {
      throw new SessionStateError(
        `Session.${action} was refused: the session's transaction failed (${this.failure?.message ?? "unknown error"}) and was rolled back; call session.rollback() before using it again.`,
        { cause: this.failure },
      )
    }
  }

  private async resolve(): Promise<DataSource> {
    if (this.dataSource) return this.dataSource
    let dataSource: DataSource
    let source: DataSource | undefined
    try {
      source = await (this.source ?? getDataSource())
      dataSource = await ready(source)
    } catch (error) {
      // Name the database that could not be opened (host and port, the password masked): a
      // driver's own message often names neither ("timeout expired", "connect ETIMEDOUT").
      throw translateError(error, source, { opening: true })
    }
    this.dialect = dialectOf(dataSource)
    this.unitOfWork.bind(dataSource, this.dialect)
    this.dataSource = dataSource
    return dataSource
  }

  // Takes the connection (on SQLite: waits for its turn); reads need nothing more.
  private async connect(): Promise<Connection> {
    this.assertUsable()
    if (this.connection) return this.connection
    const dataSource = await this.resolve()
    try {
      this.connection = await openConnection(dataSource, this.dialect!, {
        lockTimeoutMs: this.lockTimeoutMs,
      })
    } catch (error) {
      throw translateError(error, dataSource)
    }
    this.state = "active"
    return this.connection
  }

  // Takes the connection and opens the transaction writes happen in.
  private async beginNow(): Promise<Connection> {
    const connection = await this.connect()
    if (!connection.inTransaction) {
      try {
        await connection.begin()
      } catch (error) {
        throw await this.fail(error)
      }
    }
    return connection
  }

  private async flushNow(): Promise<void> {
    this.assertUsable()
    if (!this.unitOfWork.hasWork) return
    await this.resolve()
    let work: Work
    try {
      work = this.unitOfWork.computeWork(new Date())
    } catch (error) {
      if (error instanceof TypeError) throw new SessionStateError(error.message, { cause: error })
      throw error
    }
    if (isEmptyWork(work)) return
    const connection = await this.beginNow()
    try {
      await this.unitOfWork.execute(work, connection, (table) => {
        this.currentTable = table
      })
    } catch (error) {
      this.unitOfWork.abandon(work)
      throw await this.fail(error)
    } finally {
      this.currentTable = undefined
    }
    this.unitOfWork.afterFlush(work)
  }

  private readonly planOf = (target: unknown): EntityPlan => this.unitOfWork.planOfTarget(target)

  // A find on the session's own path: the rows, then each relation in one batched query.
  private readCompiled(table: string, plan: EntityPlan, compiled: CompiledFind): Promise<object[]> {
    return this.read(table, async (connection) => {
      const rows = await connection.rows(compiled.sql, compiled.params)
      const entities = rows.map((row) => this.unitOfWork.adoptRow(plan, row))
      if (compiled.relations) {
        await loadRelations(
          {
            connection,
            dialect: this.dialect!,
            planOf: this.planOf,
            adoptRow: (target, row) => this.unitOfWork.adoptRow(target, row),
            linksLoaded: (entity, relation, related) =>
              this.unitOfWork.linksLoaded(entity, relation, related),
          },
          plan,
          entities,
          compiled.relations,
        )
      }
      return entities
    })
  }

  // Runs a read (or a manager call) on the connection; a database error fails the session.
  private async read<T>(
    table: string | undefined,
    operation: (connection: Connection) => Promise<T>,
  ): Promise<T> {
    const connection = await this.connect()
    try {
      return await operation(connection)
    } catch (error) {
      this.currentTable = table
      throw await this.fail(error)
    }
  }

  // The transaction cannot go on: roll it back on the database, undo what it wrote in memory,
  // and refuse further work until rollback() (so the caller notices).
  private async fail(error: unknown): Promise<ConcreteDbError> {
    const translated = translateError(error, this.dataSource, { table: this.currentTable })
    await this.releaseConnection()
    this.unitOfWork.undoTransaction()
    this.state = "failed"
    this.failure = translated
    return translated
  }

  private async rollbackNow(): Promise<void> {
    try {
      await this.releaseConnection()
    } finally {
      if (this.dataSource) this.unitOfWork.undoTransaction()
      else this.unitOfWork.clear()
      this.state = "idle"
      this.failure = undefined
    }
  }

  private async releaseConnection(): Promise<void> {
    const connection = this.connection
    this.connection = undefined
    if (!connection) return
    let broken = false
    try {
      await connection.rollback()
    } catch {
      broken = true
    }
    await connection.release(broken)
  }
}

function assertEntityObject(entity: unknown, action: string): void {
  if (entity === null || typeof entity !== "object" || Array.isArray(entity)) {
    throw new TypeError(
      `Session.${action} takes an entity object, not ${Array.isArray(entity) ? "an array" : String(entity)}`,
    )
  }
}

/**
 * Runs `fn` with a new session and always closes it afterwards, without committing: like the
 * original's `with Session() as session:`. Commit inside `fn` what should stay.
 *
 * @example
 * const user = await withSession((session) => session.findOne(User, { where: { email } }))
 */
export async function withSession<T>(
  fn: (session: Session) => Promise<T>,
  dataSource?: DataSource | Promise<DataSource>,
): Promise<T> {
  const session = new Session(dataSource)
  try {
    return await fn(session)
  } finally {
    await session.close()
  }
}

/**
 * Runs `fn` with a new session, commits when it returns, rolls back when it throws (and
 * rethrows), and always closes the session.
 *
 * @example
 * const project = await withTransaction(async (session) =>
 *   session.add(Object.assign(new Project(), { name: "Hello", orchestratorId })),
 * )
 */
export async function withTransaction<T>(
  fn: (session: Session) => Promise<T>,
  dataSource?: DataSource | Promise<DataSource>,
): Promise<T> {
  const session = new Session(dataSource)
  try {
    const result = await fn(session)
    await session.commit()
    return result
  } catch (error) {
    await session.rollback().catch(() => undefined)
    throw error
  } finally {
    await session.close()
  }
}
