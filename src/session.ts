import type {
  DataSource,
  EntityManager,
  EntityTarget,
  FindManyOptions,
  FindOneOptions,
  ObjectLiteral,
} from "typeorm"
import { getDataSource } from "./create-data-source"
import { NotFoundError } from "./errors"
import { assertEntityObject } from "./internal/assert-entity-object"
import { StatementFailure } from "./internal/errors/statement-failure"
import { managerProxy } from "./internal/manager-proxy"
import { OperationQueue } from "./internal/operation-queue"
import { canMatch, findEntities, findRowById } from "./internal/read/find-entities"
import { checkedFindMetadata } from "./internal/read/find-options-check"
import { readOnlyRefusal, refuseReadOnlyWork } from "./internal/read-only-guard"
import { closeIdle, closeNow, rollbackNow } from "./internal/session-closer"
import { SessionConnection } from "./internal/session-connection"
import { SessionStatus } from "./internal/session-status"
import { SessionTransaction } from "./internal/session-transaction"
import { keepShapeOf } from "./internal/shape-anchor"
import { flushWithEvents } from "./internal/unit-of-work/flush-with-events"
import { writeWork } from "./internal/unit-of-work/single-statement"
import { UnitOfWork } from "./internal/unit-of-work/unit-of-work"
import { isEmptyWork } from "./internal/unit-of-work/work"
import { DEFAULT_LOCK_TIMEOUT_MS, type SessionOptions } from "./session-options"

export type { SessionOptions } from "./session-options"

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
  private readonly status = new SessionStatus()
  private readonly db: SessionConnection
  private readonly unitOfWork = new UnitOfWork()
  private readonly queue = new OperationQueue()
  private readonly tx: SessionTransaction
  private managerProxy: EntityManager | undefined = undefined
  private readonly readOnly: boolean

  /**
   * @param dataSource the data source to work on; default: `getDataSource()`, the shared one
   * built from the environment. Nothing connects until the session is first used.
   */
  constructor(dataSource?: DataSource | Promise<DataSource>, options: SessionOptions = {}) {
    this.readOnly = options.readOnly === true
    this.db = new SessionConnection(
      () => dataSource ?? getDataSource(),
      options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      (resolved, dialect) => this.unitOfWork.bind(resolved, dialect),
      this.readOnly,
    )
    this.tx = new SessionTransaction(this.db, this.status, this.unitOfWork)
  }

  /** Whether the session holds a connection (from its first use to commit, rollback or close). */
  get isActive(): boolean {
    return this.db.current !== undefined
  }

  /** Whether a database transaction is open (from the first write to commit or rollback). */
  get inTransaction(): boolean {
    return this.db.current?.inTransaction ?? false
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.status.isClosed
  }

  /**
   * Stages an entity (and, through its relations, every new entity it reaches) for INSERT; an
   * entity already in the database is tracked instead. Nothing is written until `flush`/`commit`.
   * Returns the entity.
   */
  add<T extends object>(entity: T): T {
    this.status.assertUsable("add")
    if (this.readOnly) throw readOnlyRefusal("add")
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
    this.status.assertUsable("delete")
    if (this.readOnly) throw readOnlyRefusal("delete")
    assertEntityObject(entity, "delete")
    this.unitOfWork.delete(entity)
  }

  /** Begins the transaction now instead of on first use. */
  begin(): Promise<void> {
    return this.queue.run(() => this.tx.begin().then(() => undefined))
  }

  /** Writes staged work inside the open transaction (beginning one if needed). */
  flush(): Promise<void> {
    return this.queue.run(() => this.flushNow() ?? Promise.resolve())
  }

  /** Flushes, then commits. The session stays usable; the next use begins a new transaction. */
  commit(): Promise<void> {
    return this.queue.run(async () => {
      await this.flushNow(true)
      const connection = this.db.current
      if (!connection) return
      // A commit of one statement sent alone left no transaction open: nothing to commit.
      if (connection.inTransaction) {
        try {
          await connection.commit()
        } catch (error) {
          throw await this.tx.fail(error)
        }
      }
      this.unitOfWork.committed()
      this.status.idle()
      await this.db.giveBack()
    })
  }

  /**
   * Discards staged work and rolls back the open transaction; after a failed flush or commit, it
   * makes the session usable again. Tracked objects get back what the database holds: changes
   * made to them in memory are dropped, as when an ORM expires its objects on rollback.
   */
  rollback(): Promise<void> {
    return this.queue.run(async () => {
      if (this.status.isClosed) return
      const rollingBack = rollbackNow(this.db, this.unitOfWork, this.status)
      if (rollingBack) await rollingBack
      if (this.db.dataSource) this.unitOfWork.revertAll()
    })
  }

  /** Rolls back what was not committed and releases the connection. Idempotent. */
  close(): Promise<void> {
    // Holding no connection with nothing queued (a session per commit, after its commit), there
    // is nothing to roll back or wait for: it closes at once, without an operation of the queue.
    if (this.queue.idle && !this.db.current) {
      try {
        closeIdle(this.db, this.unitOfWork, this.status)
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)))
      }
      return Promise.resolve()
    }
    return this.queue.run(() => closeNow(this.db, this.unitOfWork, this.status))
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
    return this.queue.run(async () => {
      const resolving = this.db.resolve()
      const { dataSource } = resolving instanceof Promise ? await resolving : resolving
      const plan = this.unitOfWork.planOfTarget(dataSource.getMetadata(target).target)
      const key = plan.keyOfId(id)
      let known = this.unitOfWork.lookup(plan, key)
      if (!known) {
        const flushing = this.flushNow()
        if (flushing) await flushing
        known = this.unitOfWork.lookup(plan, key)
      }
      if (known) return known as T
      if (!canMatch(plan, id)) return null
      // As `find` reads: no closure for the read, no await for a connection already at hand.
      let connection = this.tx.connect()
      if (connection instanceof Promise) connection = await connection
      let row: unknown[] | undefined
      try {
        row = await findRowById(connection, plan, [plan.primary[0]!.toDatabase(id)])
      } catch (error) {
        throw await this.tx.fail(new StatementFailure(plan.metadata.tableName, error))
      }
      return row ? (this.tx.loaded(this.unitOfWork.adoptRow(plan, row)) as T) : null
    })
  }

  /**
   * Entities matching TypeORM find options, read inside the transaction after a flush. Simple
   * finds (column equality, `In([...])` of up to 16 values, order, take, skip) run on the
   * session's own fast path; anything else goes through TypeORM's `find`.
   */
  find<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    options?: FindManyOptions<T>,
  ): Promise<T[]> {
    // No promise per step where nothing is waited for (a resolved data source, no staged work, a
    // connection already held or free): a find's fixed cost is mostly these hops.
    return this.queue.run(async () => {
      const resolving = this.db.resolve()
      const resolved = resolving instanceof Promise ? await resolving : resolving
      const metadata = checkedFindMetadata(resolved.dataSource, target, options)
      const flushing = this.flushNow()
      if (flushing) await flushing
      const plan = this.unitOfWork.planOfTarget(metadata.target)
      let connection = this.tx.connect()
      if (connection instanceof Promise) connection = await connection
      let found: object[]
      try {
        found = await findEntities(
          connection,
          this.unitOfWork,
          plan,
          target,
          options as FindManyOptions,
        )
      } catch (error) {
        throw await this.tx.fail(new StatementFailure(metadata.tableName, error))
      }
      return this.tx.loaded(found as T[])
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
    return this.queue.run(async () => {
      await this.db.resolve()
      // The entity's own changes are discarded, not written; everything else is flushed.
      this.unitOfWork.revert(entity)
      await this.flushNow()
      const plan = this.unitOfWork.planFor(entity)
      const ids = plan.primaryValues(entity)
      const row = await this.tx.read(plan.metadata.tableName, (connection) =>
        findRowById(connection, plan, ids),
      )
      if (!row) {
        throw new NotFoundError(
          `${plan.metadata.name} ${ids.join(", ")} no longer exists in the database; it was deleted, or never committed.`,
        )
      }
      this.unitOfWork.refreshFromRow(plan, entity, row)
      return this.tx.loaded(entity)
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
    this.status.assertOpen("manager")
    this.managerProxy ??= managerProxy({
      call: (run) =>
        this.queue.run(async () => {
          await this.flushNow()
          await this.tx.begin()
          return this.tx.read(undefined, (connection) => run(connection.queryRunner.manager))
        }),
      openManager: () => {
        const connection = this.db.current
        return connection?.inTransaction ? connection.queryRunner.manager : undefined
      },
      readOnly: this.readOnly,
    })
    return this.managerProxy
  }

  /** The data source this session works on (initialized). */
  async getDataSource(): Promise<DataSource> {
    return (await this.db.resolve()).dataSource
  }

  // Internals from here on.

  // Without a promise when nothing is staged: a read in a session of its own waits for nothing.
  private flushNow(committing = false): Promise<void> | undefined {
    this.status.assertUsable()
    return this.unitOfWork.hasWork ? this.flushStaged(committing) : undefined
  }

  private async flushStaged(committing: boolean): Promise<void> {
    if (!this.db.dataSource) {
      const resolving = this.db.resolve()
      if (resolving instanceof Promise) await resolving
    }
    let inserts = this.unitOfWork.stageInserts()
    if (inserts instanceof Promise) inserts = await inserts
    if (this.readOnly) return refuseReadOnlyWork(this.unitOfWork, inserts)
    if (this.unitOfWork.listening) return flushWithEvents(this.unitOfWork, inserts, this.tx)
    let work = this.unitOfWork.completeWork(inserts, new Date())
    if (work instanceof Promise) work = await work
    if (isEmptyWork(work)) return
    let connection = this.tx.connect()
    if (connection instanceof Promise) connection = await connection
    try {
      await writeWork(this.unitOfWork, work, connection, committing)
    } catch (error) {
      this.unitOfWork.abandon(work)
      throw await this.tx.fail(error)
    }
    const finishing = this.unitOfWork.afterFlush(work)
    if (finishing) await finishing
  }
}

// Keeps the maps of a session and of its parts (status, connection, unit of work, identity map,
// undo log, queue) alive across full GCs: this one is never used, holds no data source and
// connects nowhere.
keepShapeOf(new Session())
