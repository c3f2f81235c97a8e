import type { DataSource, EntityMetadata } from "typeorm"
import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import { SessionStateError } from "../../errors"
import type { Connection } from "../drivers/connection"
import type { Dialect } from "../drivers/dialect"
import { planOf, type Constructor, type EntityPlan } from "../metadata/entity-plan"
import type { RowAdopter } from "../read/row-adopter"
import { asStateError, catchAsState } from "./as-state-error"
import {
  forgetRow,
  loadedLinks,
  isPersisted,
  linksOf,
  wasDeleted,
  setLinks,
  setSnapshot,
  snapshotOf,
  unmarkDeleted,
  type LinkState,
} from "./entity-state"
import { IdentityMap } from "./identity-map"
import { revertToSnapshot } from "./revert"
import { andThen, neverYield, sliceYielder, type Turn } from "./slice-yield"
import { completeWork, finishFlush, stageInserts, writeWork, type FlushState } from "./sliced-flush"
import { UndoLog } from "./undo-log"
import type { EntityBatch, Work } from "./work"
import { validateWork, WorkValidator } from "./work-validator"

/**
 * The bookkeeping of one session: which objects are new, tracked or deleted; what a flush must
 * write (computed by the change-set computer, ordered by commit order, written by the persister);
 * and, through the undo log, how to take it back on rollback.
 */
export class UnitOfWork implements RowAdopter, FlushState {
  /** Added and not yet written, in the order they were added. */
  readonly newObjects = new Set<object>()
  /** Staged for DELETE. */
  readonly deleted = new Set<object>()
  /** Every tracked object (known to be in the database), by entity and primary key. */
  readonly identities = new IdentityMap()
  readonly undoLog = new UndoLog()
  private readonly plans = new Map<unknown, EntityPlan>()
  private dataSource: DataSource | undefined = undefined
  private dialect: Dialect | undefined = undefined
  /** Persisted objects added before the session knew its data source (created when needed). */
  private toAttach: Set<object> | undefined = undefined
  /** Whether an entity of this session has listeners or subscribers (see `EntityPlan.events`). */
  private listened = false
  /** Entities hydrated by a read that still need their `afterLoad` broadcast. */
  private hydrated: object[] | undefined = undefined
  /** The clock of the flush in progress (reset by `stageInserts`). */
  private turn: Turn = neverYield
  /** Counts additions to and removals from newObjects; as of the staged flush's end. */
  private newObjectChanges = 0
  private stagedChanges = 0
  // Built on first use: a session per commit or per read pays only for what it uses.
  private planOfEntityFunction: ((entity: object) => EntityPlan) | undefined = undefined

  /** `planFor` as a function of its own, for callbacks. */
  get planOfEntity(): (entity: object) => EntityPlan {
    return (this.planOfEntityFunction ??= (entity) => this.planFor(entity))
  }

  /** Refuses a flush's values that cannot be stored exactly, before it begins (work-validator). */
  validate(work: Work): Work {
    return validateWork(work, this.dataSource!)
  }

  bind(dataSource: DataSource, dialect: Dialect): void {
    this.dataSource = dataSource
    this.dialect = dialect
    if (!this.toAttach) return
    for (const entity of this.toAttach) this.attach(entity)
    this.toAttach = undefined
  }

  get hasWork(): boolean {
    return (
      this.newObjects.size > 0 ||
      this.identities.size > 0 ||
      this.deleted.size > 0 ||
      this.toAttach !== undefined
    )
  }

  planFor(entity: object): EntityPlan {
    return this.planOfTarget(entity.constructor)
  }

  planOfTarget(target: unknown): EntityPlan {
    let plan = this.plans.get(target)
    if (!plan) {
      const dataSource = this.dataSource!
      plan = planOf(dataSource.getMetadata(target as Constructor), this.dialect!, dataSource)
      this.plans.set(target, plan)
      if (plan.events) this.listened = true
    }
    return plan
  }

  // What a flush reads of the unit of work (FlushState, CascadeScope).

  metadatas(): readonly EntityMetadata[] {
    return this.dataSource!.entityMetadatas
  }

  newValidator(): WorkValidator {
    return new WorkValidator(this.dataSource!)
  }

  stagedAlone(): boolean {
    return this.newObjectChanges === this.stagedChanges
  }

  isStaged(entity: object): boolean {
    return this.newObjects.has(entity) || this.deleted.has(entity) || wasDeleted(entity)
  }

  isTracked(entity: object): boolean {
    if (!isPersisted(entity)) return false
    const plan = this.planFor(entity)
    const identity = plan.identity(entity)
    return identity === undefined || this.identities.get(plan.metadata, identity) === entity
  }

  /** Whether flushes broadcast lifecycle events: an entity with listeners was seen. */
  get listening(): boolean {
    return this.listened
  }

  /** The entities hydrated since the last call that need `afterLoad`, if there are any. */
  takeHydrated(): object[] | undefined {
    const hydrated = this.hydrated
    this.hydrated = undefined
    return hydrated
  }

  // ---------------------------------------------------------------------------------------------
  // Staging and identity

  add(entity: object): void {
    if (this.newObjects.has(entity)) return
    unmarkDeleted(entity)
    if (this.deleted.delete(entity)) return
    if (!isPersisted(entity)) {
      this.newObjects.add(entity)
      this.newObjectChanges += 1
    } else if (this.dataSource) this.attach(entity)
    else (this.toAttach ??= new Set()).add(entity)
  }

  delete(entity: object): void {
    if (this.newObjects.delete(entity)) {
      this.newObjectChanges += 1
      return
    }
    this.deleted.add(entity)
  }

  /** The tracked instance with this identity, if the session has one. */
  lookup(plan: EntityPlan, identity: string): object | undefined {
    const entity = this.identities.get(plan.metadata, identity)
    return entity && !this.deleted.has(entity) ? entity : undefined
  }

  // A persisted object joins the session's identity map (it must not clash with another one).
  private attach(entity: object): void {
    const plan = this.planFor(entity)
    const identity = plan.identity(entity)
    if (identity === undefined) return
    const current = this.identities.get(plan.metadata, identity)
    if (current === entity) return
    if (current) {
      throw new SessionStateError(
        `Another instance of ${plan.metadata.name} ${identity} is already in this session; use that one (session.get returns it).`,
      )
    }
    this.identities.set(plan.metadata, identity, entity)
  }

  private forget(plan: EntityPlan, entity: object): void {
    const identity = plan.identity(entity)
    if (identity !== undefined) this.identities.delete(plan.metadata, identity, entity)
  }

  // ---------------------------------------------------------------------------------------------
  // Reading (RowAdopter)

  adoptRow(plan: EntityPlan, row: unknown[]): object {
    const identity = plan.rowIdentity(row)
    const existing = this.lookup(plan, identity)
    if (existing) return existing
    const entity = plan.hydrate(row)
    setSnapshot(entity, row) // the row as read (and as hydrate left it) is the snapshot
    const links = loadedLinks(plan, entity)
    if (links) setLinks(entity, links)
    this.identities.set(plan.metadata, identity, entity)
    if (plan.afterLoad) (this.hydrated ??= []).push(entity)
    return entity
  }

  linksLoaded(entity: object, relation: RelationMetadata, related: readonly object[]): void {
    const plan = this.planFor(entity)
    const link = plan.links.find((candidate) => candidate.relation === relation)
    if (!link) return
    let links = linksOf(entity)
    if (!links) setLinks(entity, (links = new Map() as LinkState))
    links.set(relation, plan.linkedIds(link, related))
  }

  /** Overwrites an instance with a fresh row and forgets what was changed in memory. */
  refreshFromRow(plan: EntityPlan, entity: object, row: unknown[]): void {
    plan.assignRow(entity, row)
    setSnapshot(entity, row)
    const identity = plan.identity(entity)
    if (identity !== undefined) this.identities.set(plan.metadata, identity, entity)
    if (plan.afterLoad) (this.hydrated ??= []).push(entity)
  }

  /**
   * Takes entities TypeORM loaded (with relations, perhaps) into the session: each identity the
   * session already tracks is replaced by its tracked instance, and relations the tracked
   * instance has not loaded are filled from the fresh one.
   */
  adoptLoaded<T>(loaded: T): T {
    const seen = new Map<object, object>()
    const visit = (value: unknown): unknown => {
      if (value === null || typeof value !== "object") return value
      if (Array.isArray(value)) return value.map(visit)
      if (!this.dataSource!.hasMetadata(value.constructor)) return value
      const cached = seen.get(value)
      if (cached) return cached
      const plan = this.planFor(value)
      const identity = plan.identity(value)
      const existing = identity === undefined ? undefined : this.lookup(plan, identity)
      const canonical = existing ?? value
      seen.set(value, canonical)
      if (!existing && identity !== undefined) {
        setSnapshot(value, plan.snapshotRow(value))
        const links = loadedLinks(plan, value)
        if (links) setLinks(value, links)
        this.identities.set(plan.metadata, identity, value)
      }
      const source = value as Record<string, unknown>
      const target = canonical as Record<string, unknown>
      for (const relation of plan.relations) {
        const related = source[relation.propertyName]
        if (related === undefined) continue
        const adopted = visit(related)
        if (!existing || target[relation.propertyName] === undefined) {
          target[relation.propertyName] = adopted
        }
      }
      return canonical
    }
    return visit(loaded) as T
  }

  // ---------------------------------------------------------------------------------------------
  // Flushing

  /**
   * A flush's first step: what `add` reaches is staged too; the new objects in the order their
   * rows go in. A TypeError (an entity the session cannot write) becomes a SessionStateError.
   * The flush's steps run in slices of time from here on (sliced-flush.ts).
   */
  stageInserts(): EntityBatch[] | Promise<EntityBatch[]> {
    this.turn = sliceYielder()
    try {
      return andThen(catchAsState(stageInserts(this, this.turn)), (inserts) => {
        this.stagedChanges = this.newObjectChanges
        return inserts
      })
    } catch (error) {
      throw asStateError(error)
    }
  }

  /** The rest of a flush's work once the new objects are staged: their rows, changes, deletes. */
  completeWork(inserts: EntityBatch[], now: Date): Work | Promise<Work> {
    try {
      return catchAsState(completeWork(this, inserts, now, this.turn))
    } catch (error) {
      throw asStateError(error)
    }
  }

  /**
   * Writes the work through the connection (see `persistWork`), recording what each statement
   * wrote as it succeeds: new objects become tracked, snapshots move on, and the undo log
   * remembers what they were.
   */
  execute(work: Work, connection: Connection): Promise<void> {
    return writeWork(this, work, connection, this.dialect!, this.turn)
  }

  /** The end of a flush whose statements all succeeded (see `finishFlush`). */
  afterFlush(work: Work): Promise<void> | undefined {
    return finishFlush(this, work, this.turn)
  }

  /** A flush failed: rows it meant to insert (all new to the database) are not in it after all. */
  abandon(work: Work): void {
    for (const { entities } of work.inserts) for (const entity of entities) forgetRow(entity)
  }

  // ---------------------------------------------------------------------------------------------
  // Ending a transaction

  /** The transaction committed: its writes stand, the undo log is dropped. */
  committed(): void {
    this.undoLog.commit()
  }

  /**
   * The transaction rolled back: inserted objects are new again (outside the session), updated
   * ones get back what the database holds, deleted ones are tracked again; staged work is gone.
   */
  undoTransaction(): void {
    const { inserted, deleted } = this.undoLog.rollback()
    for (const entity of inserted) this.forget(this.planFor(entity), entity)
    for (const entity of deleted) {
      const plan = this.planFor(entity)
      const identity = plan.identity(entity)
      if (identity !== undefined) this.identities.set(plan.metadata, identity, entity)
    }
    this.toAttach = undefined
    clearSet(this.newObjects)
    clearSet(this.deleted)
  }

  /**
   * Puts every tracked object back to what the database holds (as far as known), like an ORM
   * that expires its objects on rollback: changes made in memory are dropped.
   */
  revertAll(): void {
    for (const entity of this.identities.values()) this.revert(entity)
  }

  /** Puts a tracked entity's columns back to what the database holds (as far as known). */
  revert(entity: object): void {
    const snapshot = snapshotOf(entity)
    if (snapshot !== undefined) revertToSnapshot(this.planFor(entity), entity, snapshot)
  }

  /** Forgets every object (the session is closing). What is known of rows stays for others. */
  clear(): void {
    this.hydrated = undefined
    this.toAttach = undefined
    clearSet(this.newObjects)
    clearSet(this.deleted)
    this.identities.clear()
    this.undoLog.clear()
  }
}

// Clearing a Set allocates its new table, even an empty one's: a session per commit or per read
// ends with nothing staged.
function clearSet(set: Set<object>): void {
  if (set.size > 0) set.clear()
}
