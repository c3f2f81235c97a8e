import type { DataSource, EntityMetadata } from "typeorm"
import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import { QueryError, SessionStateError } from "../errors"
import type { Connection } from "./drivers/connection"
import type { Dialect } from "./drivers/dialect"
import {
  planOf,
  readColumn,
  type ColumnPlan,
  type Constructor,
  type EntityPlan,
  type LinkPlan,
} from "./entity-plan"

/**
 * What is known of an entity's row: a snapshot of every column by plan index, or UNKNOWN when the
 * row exists but its values are not known (the next flush then writes every column once).
 */
type Snapshot = unknown[] | typeof UNKNOWN
const UNKNOWN = Symbol("unknown row values")

/** The linked ids of each many-to-many relation; `undefined`: not known. */
type LinkState = Map<RelationMetadata, Set<string> | undefined>

/*
 * The state of every entity instance this process has read or written, shared by all sessions:
 * an object written by one session and used in another is known to exist, so it is updated
 * there, never inserted twice. Weak, so it never keeps an entity alive. A session writes here as
 * it flushes and keeps an undo log, so a rollback puts back what was here before.
 */
const snapshots = new WeakMap<object, Snapshot>()
const linkStates = new WeakMap<object, LinkState>()

/** Instances whose rows a session deleted: a relation still pointing at one never re-inserts it. */
const deletedObjects = new WeakSet<object>()

interface Insert {
  readonly plan: EntityPlan
  readonly entities: object[]
}

interface Update {
  readonly plan: EntityPlan
  readonly entity: object
  readonly columns: ColumnPlan[]
  readonly values: unknown[]
}

interface LinkChange {
  readonly link: LinkPlan
  readonly entity: object
  readonly ownId: unknown
  readonly add: unknown[]
  /** Ids to unlink; with `replace`, unlink everything not in `add` instead. */
  readonly remove: unknown[]
  readonly replace: boolean
  readonly current: Set<string>
}

export interface Work {
  readonly inserts: Insert[]
  readonly updates: Update[]
  readonly links: LinkChange[]
  readonly deletes: Insert[]
}

export function isEmptyWork(work: Work): boolean {
  return (
    work.inserts.length === 0 &&
    work.updates.length === 0 &&
    work.links.length === 0 &&
    work.deletes.length === 0
  )
}

// Rows per INSERT statement at most: large enough to amortise the statement, small enough that
// the prepared statement of a full chunk is reused across flushes.
const MAX_ROWS_PER_INSERT = 500

interface Undo {
  snapshot: Snapshot | undefined
  links: LinkState | undefined
}

/**
 * The bookkeeping of one session: which objects are new, tracked or deleted, and how to turn
 * their differences from the database into as few statements as possible.
 */
export class UnitOfWork {
  /** Added and not yet written, in the order they were added. */
  readonly newObjects = new Set<object>()
  /** Staged for DELETE. */
  readonly deleted = new Set<object>()
  /** Every tracked object (known to be in the database), by entity and primary key. */
  private readonly identity = new Map<EntityMetadata, Map<string, object>>()
  private tracked = 0
  /** This transaction's writes, to undo on rollback. */
  private inserted: object[] = []
  private readonly undo = new Map<object, Undo>()
  private deletedInTransaction: object[] = []
  private readonly plans = new Map<unknown, EntityPlan>()
  private dataSource: DataSource | undefined
  private dialect: Dialect | undefined

  /** Persisted objects added before the session knew its data source. */
  private readonly toAttach = new Set<object>()

  bind(dataSource: DataSource, dialect: Dialect): void {
    this.dataSource = dataSource
    this.dialect = dialect
    for (const entity of this.toAttach) this.attach(entity)
    this.toAttach.clear()
  }

  get hasWork(): boolean {
    return (
      this.newObjects.size > 0 ||
      this.tracked > 0 ||
      this.deleted.size > 0 ||
      this.toAttach.size > 0
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
    }
    return plan
  }

  // ---------------------------------------------------------------------------------------------
  // Staging and identity

  add(entity: object): void {
    if (this.newObjects.has(entity)) return
    // Adding a deleted object again means inserting it again.
    deletedObjects.delete(entity)
    if (this.deleted.delete(entity)) return
    if (!snapshots.has(entity)) this.newObjects.add(entity)
    else if (this.dataSource) this.attach(entity)
    else this.toAttach.add(entity)
  }

  delete(entity: object): void {
    if (this.newObjects.delete(entity)) return
    this.deleted.add(entity)
  }

  /** The tracked instance with this identity, if the session has one. */
  lookup(plan: EntityPlan, identity: string): object | undefined {
    const entity = this.identity.get(plan.metadata)?.get(identity)
    return entity && !this.deleted.has(entity) ? entity : undefined
  }

  private *trackedEntities(): Generator<object> {
    for (const byId of this.identity.values()) yield* byId.values()
  }

  // A persisted object joins the session's identity map (it must not clash with another one).
  private attach(entity: object): void {
    const plan = this.planFor(entity)
    const identity = plan.identity(entity)
    if (identity === undefined) return
    const current = this.identity.get(plan.metadata)?.get(identity)
    if (current === entity) return
    if (current) {
      throw new SessionStateError(
        `Another instance of ${plan.metadata.name} ${identity} is already in this session; use that one (session.get returns it).`,
      )
    }
    this.remember(plan, identity, entity)
  }

  private remember(plan: EntityPlan, identity: string, entity: object): void {
    let byId = this.identity.get(plan.metadata)
    if (!byId) this.identity.set(plan.metadata, (byId = new Map<string, object>()))
    const size = byId.size
    byId.set(identity, entity)
    this.tracked += byId.size - size
  }

  private forget(plan: EntityPlan, entity: object): void {
    const identity = plan.identity(entity)
    const byId = identity === undefined ? undefined : this.identity.get(plan.metadata)
    if (byId && byId.get(identity!) === entity) {
      byId.delete(identity!)
      this.tracked -= 1
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /**
   * The instance for a row just read: the session's own one if it tracks that identity (its
   * values win, as in any identity map), otherwise a new tracked instance.
   */
  adoptRow(plan: EntityPlan, row: readonly unknown[]): object {
    const identity = plan.rowIdentity(row)
    const existing = this.lookup(plan, identity)
    if (existing) return existing
    const entity = plan.hydrate(row)
    // The row as read is the snapshot: nothing to copy.
    snapshots.set(entity, row as unknown[])
    if (plan.links.length > 0) linkStates.set(entity, this.loadedLinks(plan, entity))
    this.remember(plan, identity, entity)
    return entity
  }

  /** Overwrites an instance with a fresh row and forgets what was changed in memory. */
  refreshFromRow(plan: EntityPlan, entity: object, row: readonly unknown[]): void {
    plan.assignRow(entity as Record<string, unknown>, row)
    snapshots.set(entity, row as unknown[])
    const identity = plan.identity(entity)
    if (identity !== undefined) this.remember(plan, identity, entity)
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
        snapshots.set(value, plan.snapshotRow(value))
        if (plan.links.length > 0) linkStates.set(value, this.loadedLinks(plan, value))
        this.remember(plan, identity, value)
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

  /** The links of a many-to-many relation were just read: they are what the database holds. */
  linksLoaded(entity: object, relation: RelationMetadata, related: readonly object[]): void {
    const link = this.planFor(entity).links.find((candidate) => candidate.relation === relation)
    if (!link) return
    let links = linkStates.get(entity)
    if (!links) linkStates.set(entity, (links = new Map() as LinkState))
    links.set(relation, this.linkIds(link, related as unknown[]))
  }

  private loadedLinks(plan: EntityPlan, entity: object): LinkState {
    const links: LinkState = new Map()
    for (const link of plan.links) {
      const related = (entity as Record<string, unknown>)[link.relation.propertyName]
      links.set(link.relation, Array.isArray(related) ? this.linkIds(link, related) : undefined)
    }
    return links
  }

  // ---------------------------------------------------------------------------------------------
  // Flushing

  /** Brings in every new object reachable from the session's objects through a relation. */
  private cascade(): void {
    const stack: object[] = []
    for (const entity of this.newObjects) stack.push(entity)
    for (const entity of this.trackedEntities()) stack.push(entity)
    while (stack.length > 0) {
      const entity = stack.pop()!
      const record = entity as Record<string, unknown>
      for (const relation of this.planFor(entity).relations) {
        const value = record[relation.propertyName]
        if (value === null || value === undefined || typeof value !== "object") continue
        const target = relation.inverseEntityMetadata.target as Constructor
        const pointsBack = relation.isOneToMany || relation.isOneToOneNotOwner
        const items: unknown[] = Array.isArray(value) ? value : [value]
        for (const item of items) {
          // A plain `{ id }` stands for a row by reference; only entity instances are saved.
          if (!(item instanceof target)) continue
          if (pointsBack) this.pointAt(item, relation, entity)
          if (this.newObjects.has(item) || this.deleted.has(item) || deletedObjects.has(item))
            continue
          if (snapshots.has(item)) {
            const plan = this.planFor(item)
            const identity = plan.identity(item)
            if (
              identity === undefined ||
              this.identity.get(plan.metadata)?.get(identity) === item
            ) {
              continue
            }
          }
          this.add(item)
          stack.push(item)
        }
      }
    }
  }

  /**
   * A child listed in a parent's one-to-many array (or the inverse side of a one-to-one) gets
   * its foreign key set to the parent, as the array says.
   */
  private pointAt(child: object, relation: RelationMetadata, parent: object): void {
    const owner = relation.inverseRelation
    const joinColumn = owner?.joinColumns[0]
    if (!owner || !joinColumn?.referencedColumn || owner.joinColumns.length !== 1) return
    const parentId = (parent as Record<string, unknown>)[joinColumn.referencedColumn.propertyName]
    const record = child as Record<string, unknown>
    if (joinColumn.isVirtual) {
      if (record[owner.propertyName] === undefined) record[owner.propertyName] = parent
      return
    }
    const related = record[owner.propertyName]
    if (related && typeof related === "object" && related !== parent) {
      // The child names another parent object; the array it sits in wins.
      record[owner.propertyName] = undefined
    }
    if (record[joinColumn.propertyName] !== parentId) record[joinColumn.propertyName] = parentId
  }

  /** Everything a flush has to write (after cascading), without writing it. */
  computeWork(now: Date): Work {
    this.cascade()
    const inserts = this.orderInserts()
    for (const { plan, entities } of inserts) {
      for (const entity of entities) this.prepareInsert(plan, entity, now)
    }
    const updates: Update[] = []
    const links: LinkChange[] = []
    for (const entity of this.trackedEntities()) {
      if (this.deleted.has(entity)) continue
      const plan = this.planFor(entity)
      const update = this.diff(plan, entity, now)
      if (update) updates.push(update)
      if (plan.links.length > 0) this.diffLinks(plan, entity, links)
    }
    for (const { plan, entities } of inserts) {
      if (plan.links.length === 0) continue
      for (const entity of entities) this.diffLinks(plan, entity, links)
    }
    return { inserts, updates, links, deletes: this.orderDeletes() }
  }

  private orderInserts(): Insert[] {
    const byPlan = new Map<EntityPlan, object[]>()
    let lastPlan: EntityPlan | undefined
    let lastList: object[] | undefined
    for (const entity of this.newObjects) {
      const plan = this.planFor(entity)
      if (plan !== lastPlan) {
        lastPlan = plan
        lastList = byPlan.get(plan)
        if (!lastList) byPlan.set(plan, (lastList = []))
      }
      lastList!.push(entity)
    }
    const order = typeOrder(this.dataSource!)
    return [...byPlan.entries()]
      .sort(([a], [b]) => (order.get(a.metadata) ?? 0) - (order.get(b.metadata) ?? 0))
      .map(([plan, entities]) => ({ plan, entities: parentsFirst(plan, entities) }))
  }

  private orderDeletes(): Insert[] {
    const byPlan = new Map<EntityPlan, object[]>()
    for (const entity of this.deleted) {
      if (!snapshots.has(entity)) continue
      const plan = this.planFor(entity)
      let list = byPlan.get(plan)
      if (!list) byPlan.set(plan, (list = []))
      list.push(entity)
    }
    const order = typeOrder(this.dataSource!)
    return [...byPlan.entries()]
      .sort(([a], [b]) => (order.get(b.metadata) ?? 0) - (order.get(a.metadata) ?? 0))
      .map(([plan, entities]) => ({ plan, entities }))
  }

  private prepareInsert(plan: EntityPlan, entity: object, now: Date): void {
    const record = entity as Record<string, unknown>
    plan.assignGeneratedIds(record)
    // A Date of its own for each: Dates change in place, and one shared by a whole batch would.
    for (const column of plan.stamped) {
      if (record[column.property!] == null) record[column.property!] = new Date(now.getTime())
    }
    // Keep each foreign-key property in step with a related object that is set.
    for (const column of plan.joinColumns) {
      const value = readColumn(entity, column)
      if (value !== undefined && column.property !== undefined) record[column.property] = value
    }
    // What the row will hold for unset properties (a literal default, or null), in memory too.
    for (const column of plan.filled) {
      if (record[column.property!] === undefined) record[column.property!] = column.fill!.value
    }
  }

  private diff(plan: EntityPlan, entity: object, now: Date): Update | undefined {
    const snapshot = snapshots.get(entity)
    const values = snapshot === UNKNOWN ? undefined : snapshot
    const record = entity as Record<string, unknown>
    let changed: ColumnPlan[] | undefined
    let changedValues: unknown[] | undefined
    let stampColumn: ColumnPlan | undefined
    let stampChangedByUser = false
    for (const column of plan.columns) {
      if (column.isPrimary) continue
      const value = column.relation
        ? this.currentValue(entity, column, values)
        : readColumn(entity, column)
      const unchanged = values !== undefined && column.unchanged(value, values[column.index])
      if (column.stamp === "update") {
        stampColumn = column
        stampChangedByUser = values !== undefined && !unchanged
        continue
      }
      if (!unchanged && (values !== undefined || value !== undefined)) {
        ;(changed ??= []).push(column)
        ;(changedValues ??= []).push(value)
      }
    }
    if (!changed || !changedValues) return undefined
    if (stampColumn?.property && !stampChangedByUser) {
      record[stampColumn.property] = new Date(now.getTime())
    }
    if (stampColumn) {
      changed.push(stampColumn)
      changedValues.push(readColumn(entity, stampColumn))
    }
    return { plan, entity, columns: changed, values: changedValues }
  }

  /**
   * The value of a join column: whichever of the foreign-key property and the related object
   * changed since the snapshot; both are then brought in step.
   */
  private currentValue(entity: object, column: ColumnPlan, values: unknown[] | undefined): unknown {
    const record = entity as Record<string, unknown>
    if (column.property === undefined) return readColumn(entity, column)
    const own = record[column.property]
    const viaRelation = readColumn(entity, column)
    if (viaRelation === own) return own
    if (!column.unchanged(own, values?.[column.index])) {
      // The foreign key was set by hand: the related object no longer describes the row.
      record[column.relation!.propertyName] = undefined
      return own
    }
    record[column.property] = viaRelation
    return viaRelation
  }

  private diffLinks(plan: EntityPlan, entity: object, out: LinkChange[]): void {
    const known = snapshots.has(entity)
      ? linkStates.get(entity)
      : new Map<RelationMetadata, Set<string>>()
    const ownId = readColumn(entity, plan.primary[0]!)
    for (const link of plan.links) {
      const related = (entity as Record<string, unknown>)[link.relation.propertyName]
      if (!Array.isArray(related)) continue
      const current = this.linkIds(link, related)
      const before = known
        ? (known.get(link.relation) ?? (snapshots.has(entity) ? undefined : new Set()))
        : undefined
      if (before === undefined) {
        out.push({ link, entity, ownId, add: [...current], remove: [], replace: true, current })
        continue
      }
      const add = [...current].filter((id) => !before.has(id))
      const remove = [...before].filter((id) => !current.has(id))
      if (add.length > 0 || remove.length > 0) {
        out.push({ link, entity, ownId, add, remove, replace: false, current })
      }
    }
  }

  private linkIds(link: LinkPlan, related: unknown[]): Set<string> {
    const ids = new Set<string>()
    const plan = planOf(link.otherMetadata, this.dialect!, this.dataSource!)
    for (const item of related) {
      if (item === null || typeof item !== "object") continue
      const id = plan.identity(item)
      if (id !== undefined) ids.add(id)
    }
    return ids
  }

  /** Writes the work through the transaction; `onStatement` names the table for errors. */
  async execute(
    work: Work,
    transaction: Connection,
    onStatement: (table: string) => void,
  ): Promise<void> {
    const dialect = this.dialect!
    for (const { plan, entities } of work.inserts) {
      onStatement(plan.metadata.tableName)
      if (plan.needsDatabaseIds) {
        await transaction.queryRunner.manager
          .createQueryBuilder()
          .insert()
          .into(plan.metadata.target)
          .values(entities)
          .execute()
        continue
      }
      await this.insertRows(plan, entities, transaction, dialect)
    }
    for (const update of work.updates) {
      onStatement(update.plan.metadata.tableName)
      const key = update.columns.map((column) => column.index).join(",")
      const params = update.columns.map((column, i) => column.toDatabase(update.values[i]))
      for (const column of update.plan.primary) {
        params.push(column.toDatabase(readColumn(update.entity, column)))
      }
      const affected = await transaction.run(update.plan.updateSql(update.columns, key), params)
      if (affected === 0) {
        throw new QueryError(
          `${update.plan.metadata.name} ${update.plan.identity(update.entity)} was not updated because its row no longer exists (deleted by another session or by a cascade); refresh or re-add it.`,
        )
      }
    }
    for (const change of work.links) {
      onStatement(change.link.junction.tableName)
      await this.writeLinks(change, transaction, dialect)
    }
    for (const { plan, entities } of work.deletes) {
      onStatement(plan.metadata.tableName)
      const width = plan.primary.length
      const perStatement = Math.max(1, Math.floor(dialect.maxParameters / width))
      for (let start = 0; start < entities.length; start += perStatement) {
        const chunk = entities.slice(start, start + perStatement)
        const params = chunk.flatMap((entity) =>
          plan.primary.map((column) => column.toDatabase(readColumn(entity, column))),
        )
        await transaction.run(plan.deleteSql(chunk.length), params)
      }
    }
  }

  private async insertRows(
    plan: EntityPlan,
    entities: readonly object[],
    transaction: Connection,
    dialect: Dialect,
  ): Promise<void> {
    // Rows that leave a defaulted column unset are inserted without it, so the default applies.
    const groups = new Map<string, readonly object[]>()
    if (plan.defaulted.length === 0) groups.set("", entities)
    else {
      for (const entity of entities) {
        let key = ""
        for (const column of plan.defaulted) {
          if (readColumn(entity, column) === undefined) key += `${column.index},`
        }
        const group = groups.get(key) as object[] | undefined
        if (group) group.push(entity)
        else groups.set(key, [entity])
      }
    }
    for (const [key, group] of groups) {
      const columns = key === "" ? plan.columns : plan.columnsWithout(key)
      const width = columns.length
      const maxRows = Math.max(
        1,
        Math.min(MAX_ROWS_PER_INSERT, Math.floor(dialect.maxParameters / width)),
      )
      let start = 0
      while (start < group.length) {
        // Parameters go straight into one flat array per statement; a row's values are read
        // once and also become its snapshot.
        const params = new Array<unknown>(Math.min(maxRows, group.length - start) * width)
        let bytes = 0
        let end = start
        let offset = 0
        while (end < group.length && end - start < maxRows) {
          const entity = group[end]!
          const snapshot = new Array<unknown>(plan.columns.length)
          const rowStart = offset
          for (const column of columns) {
            const converted = column.toDatabase(readColumn(entity, column))
            snapshot[column.index] = column.keep(converted)
            if (typeof converted === "string") bytes += converted.length
            params[offset++] = converted
          }
          if (end > start && bytes > dialect.maxStatementBytes) {
            offset = rowStart
            break
          }
          snapshots.set(entity, snapshot)
          end += 1
        }
        params.length = offset
        const count = end - start
        await transaction.run(plan.insertSql(columns, count, key), params)
        start = end
      }
    }
  }

  private async writeLinks(
    change: LinkChange,
    transaction: Connection,
    dialect: Dialect,
  ): Promise<void> {
    const { link, ownId } = change
    const own = dialect.escape(link.ownColumn)
    const other = dialect.escape(link.otherColumn)
    let parameter = 0
    const next = (): string => dialect.placeholder(++parameter)
    if (change.replace || change.remove.length > 0) {
      const ids = change.replace ? change.add : change.remove
      let sql = `DELETE FROM ${link.table} WHERE ${own} = ${next()}`
      if (ids.length > 0) {
        const slots = ids.map(() => next()).join(", ")
        sql += change.replace ? ` AND ${other} NOT IN (${slots})` : ` AND ${other} IN (${slots})`
      }
      await transaction.run(sql, [ownId, ...ids])
    }
    if (change.add.length > 0) {
      parameter = 0
      const columns = link.ownFirst ? `${own}, ${other}` : `${other}, ${own}`
      const rows = change.add.map(() => `(${next()}, ${next()})`).join(", ")
      const params = change.add.flatMap((id) => (link.ownFirst ? [ownId, id] : [id, ownId]))
      const primary = link.junction.primaryColumns.map((column) => column.databaseName)
      await transaction.run(
        `INSERT INTO ${link.table} (${columns}) VALUES ${rows}${dialect.ignoreDuplicateSuffix(primary)}`,
        params,
      )
    }
  }

  /**
   * Records what a successful flush wrote: new objects become tracked, snapshots move on, and
   * the undo log remembers what they were.
   */
  afterFlush(work: Work): void {
    // Every new object was in this flush's inserts.
    this.newObjects.clear()
    for (const { plan, entities } of work.inserts) {
      for (const entity of entities) {
        this.inserted.push(entity)
        const identity = plan.identity(entity)
        if (identity !== undefined) this.remember(plan, identity, entity)
        // Rows inserted through TypeORM (database-generated ids) get their snapshot here.
        if (!snapshots.has(entity)) snapshots.set(entity, plan.snapshotRow(entity))
      }
    }
    for (const update of work.updates) {
      this.recordUndo(update.entity)
      snapshots.set(update.entity, update.plan.snapshotRow(update.entity))
    }
    for (const change of work.links) {
      this.recordUndo(change.entity)
      let links = linkStates.get(change.entity)
      if (!links) linkStates.set(change.entity, (links = new Map() as LinkState))
      else if (this.undo.get(change.entity)?.links === links) {
        linkStates.set(change.entity, (links = new Map(links)))
      }
      links.set(change.link.relation, change.current)
    }
    if (work.deletes.length > 0) {
      const gone = new Set<object>()
      for (const { plan, entities } of work.deletes) {
        for (const entity of entities) {
          this.deleted.delete(entity)
          this.deletedInTransaction.push(entity)
          this.forget(plan, entity)
          gone.add(entity)
        }
      }
      this.unlinkFromTracked(gone)
    }
    // Deletes of objects that never reached the database need no statement.
    for (const entity of this.deleted) if (!snapshots.has(entity)) this.deleted.delete(entity)
  }

  /** A flush failed: rows it meant to insert are not in the database after all. */
  abandon(work: Work): void {
    // Every entity of a flush's inserts was new to the database before it.
    for (const { entities } of work.inserts) {
      for (const entity of entities) snapshots.delete(entity)
    }
  }

  // An entity inserted in this transaction gets an undo entry too: on rollback the undo log is
  // replayed first, then inserted entities lose their snapshot altogether.
  private recordUndo(entity: object): void {
    if (this.undo.has(entity)) return
    this.undo.set(entity, { snapshot: snapshots.get(entity), links: linkStates.get(entity) })
  }

  // Relations of tracked objects stop pointing at deleted ones (an array loses them, a single
  // reference becomes "not loaded"), as if they had been read again.
  private unlinkFromTracked(gone: ReadonlySet<object>): void {
    for (const entity of this.trackedEntities()) {
      const record = entity as Record<string, unknown>
      for (const relation of this.planFor(entity).relations) {
        const value = record[relation.propertyName]
        if (Array.isArray(value)) {
          if (value.some((item) => gone.has(item as object))) {
            record[relation.propertyName] = value.filter((item) => !gone.has(item as object))
          }
        } else if (value && typeof value === "object" && gone.has(value)) {
          record[relation.propertyName] = undefined
        }
      }
    }
  }

  /** The transaction committed: its writes stand, the undo log is dropped. */
  committed(): void {
    for (const entity of this.deletedInTransaction) {
      snapshots.delete(entity)
      linkStates.delete(entity)
      deletedObjects.add(entity)
    }
    this.inserted = []
    this.undo.clear()
    this.deletedInTransaction = []
  }

  /**
   * The transaction rolled back: inserted objects are new again (outside the session), updated
   * ones get back what the database holds, deleted ones are tracked again; staged work is gone.
   */
  undoTransaction(): void {
    for (const [entity, undo] of this.undo) {
      if (undo.snapshot === undefined) snapshots.delete(entity)
      else snapshots.set(entity, undo.snapshot)
      if (undo.links === undefined) linkStates.delete(entity)
      else linkStates.set(entity, undo.links)
    }
    for (const entity of this.inserted) {
      snapshots.delete(entity)
      linkStates.delete(entity)
      this.forget(this.planFor(entity), entity)
    }
    for (const entity of this.deletedInTransaction) {
      const plan = this.planFor(entity)
      const identity = plan.identity(entity)
      if (identity !== undefined) this.remember(plan, identity, entity)
    }
    this.toAttach.clear()
    this.newObjects.clear()
    this.deleted.clear()
    this.inserted = []
    this.undo.clear()
    this.deletedInTransaction = []
  }

  /**
   * Puts every tracked object back to what the database holds (as far as known), like an ORM
   * that expires its objects on rollback: changes made in memory are dropped.
   */
  revertAll(): void {
    for (const entity of this.trackedEntities()) this.revert(entity)
  }

  /** Puts a tracked entity's columns back to what the database holds (as far as known). */
  revert(entity: object): void {
    const snapshot = snapshots.get(entity)
    if (snapshot === undefined) return
    const plan = this.planFor(entity)
    const record = entity as Record<string, unknown>
    if (snapshot !== UNKNOWN) {
      for (const column of plan.columns) {
        if (column.property === undefined) continue
        const value = snapshot[column.index]
        if (!column.unchanged(record[column.property], value)) {
          record[column.property] = column.restore(value)
          if (column.relation) record[column.relation.propertyName] = undefined
        }
      }
    }
    const known = linkStates.get(entity)
    for (const link of plan.links) {
      const related = record[link.relation.propertyName]
      if (!Array.isArray(related)) continue
      const before = known?.get(link.relation)
      const current = this.linkIds(link, related)
      if (!before || before.size !== current.size || [...current].some((id) => !before.has(id))) {
        record[link.relation.propertyName] = undefined
      }
    }
  }

  /** Forgets every object (the session is closing). What is known of rows stays for others. */
  clear(): void {
    this.toAttach.clear()
    this.newObjects.clear()
    this.deleted.clear()
    this.identity.clear()
    this.tracked = 0
    this.inserted = []
    this.undo.clear()
    this.deletedInTransaction = []
  }
}

const typeOrders = new WeakMap<DataSource, Map<EntityMetadata, number>>()

/** Every entity after the entities its foreign keys point at (self-references aside). */
function typeOrder(dataSource: DataSource): Map<EntityMetadata, number> {
  let order = typeOrders.get(dataSource)
  if (order) return order
  const result = new Map<EntityMetadata, number>()
  const visiting = new Set<EntityMetadata>()
  const visit = (metadata: EntityMetadata): void => {
    if (result.has(metadata) || visiting.has(metadata)) return
    visiting.add(metadata)
    for (const relation of metadata.relations) {
      if (
        (relation.isManyToOne || relation.isOneToOneOwner) &&
        relation.inverseEntityMetadata !== metadata
      ) {
        visit(relation.inverseEntityMetadata)
      }
    }
    visiting.delete(metadata)
    result.set(metadata, result.size)
  }
  for (const metadata of dataSource.entityMetadatas) visit(metadata)
  order = result
  typeOrders.set(dataSource, order)
  return order
}

/** Rows of a self-referencing table ordered so that a parent comes before its children. */
function parentsFirst(plan: EntityPlan, entities: object[]): object[] {
  const selfColumns = plan.joinColumns.filter(
    (column) => column.relation!.inverseEntityMetadata === plan.metadata,
  )
  if (selfColumns.length === 0 || entities.length < 2) return entities
  const byId = new Map<string, object>()
  for (const entity of entities) {
    const id = plan.identity(entity)
    if (id !== undefined) byId.set(id, entity)
  }
  const ordered: object[] = []
  const placed = new Set<object>()
  const place = (entity: object, depth: number): void => {
    if (placed.has(entity) || depth > entities.length) return
    for (const column of selfColumns) {
      const parentId = readColumn(entity, column)
      const parent = parentId == null ? undefined : byId.get(column.key(parentId))
      if (parent && parent !== entity) place(parent, depth + 1)
    }
    placed.add(entity)
    ordered.push(entity)
  }
  for (const entity of entities) place(entity, 0)
  return ordered
}
