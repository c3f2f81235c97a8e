import type { DataSource, EntityMetadata } from "typeorm"
import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import { QueryError } from "../errors"
import type { Transaction } from "./connection"
import type { Dialect } from "./dialect"
import {
  keyOf,
  planOf,
  readColumn,
  type Constructor,
  sameAsSnapshot,
  type ColumnPlan,
  type EntityPlan,
  type LinkPlan,
} from "./entity-plan"

/**
 * What is known of an entity's row in the database: a snapshot of every column (by plan index),
 * or `undefined` when the row exists but its values are unknown (the next flush then writes
 * every column once), and the ids linked through each many-to-many relation (`undefined`: not
 * known, so a set array replaces whatever links exist).
 */
export interface EntityState {
  values: unknown[] | undefined
  links: Map<RelationMetadata, Set<string> | undefined>
}

/**
 * The committed state of every entity instance this process has read or written, across
 * sessions: an object committed by one session and used in another is known to exist, so it is
 * updated there, never inserted twice. Weak, so it never keeps an entity alive.
 */
const committedStates = new WeakMap<object, EntityState>()

/** Instances whose rows a session deleted: a relation still pointing at one never re-inserts it. */
const deletedObjects = new WeakSet<object>()

export function isPersisted(entity: object): boolean {
  return committedStates.has(entity)
}

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
  readonly ownId: unknown
  readonly add: unknown[]
  /** Ids to unlink; `replace`: unlink everything not in `keep`. */
  readonly remove: unknown[]
  readonly replace: boolean
  readonly keep: unknown[]
}

// Rows per INSERT statement at most: large enough to amortise the round trip, small enough that
// the prepared statement of a full chunk is reused across flushes.
const MAX_ROWS_PER_INSERT = 500

/**
 * The bookkeeping of one session: which objects are new, tracked or deleted, what the database
 * holds for them, and how to turn the difference into as few statements as possible.
 */
export class UnitOfWork {
  /** Added and not yet written, in the order they were added. */
  readonly newObjects = new Set<object>()
  /** Known to be in the database (read, written, or attached), watched for changes. */
  readonly tracked = new Set<object>()
  /** Staged for DELETE. */
  readonly deleted = new Set<object>()
  private readonly identity = new Map<EntityMetadata, Map<string, object>>()
  /** States as of this transaction; they become committed states on commit. */
  private readonly pending = new Map<object, EntityState>()
  private readonly insertedInTransaction = new Set<object>()
  private readonly deletedInTransaction = new Set<object>()
  private dataSource: DataSource | undefined
  private dialect: Dialect | undefined

  bind(dataSource: DataSource, dialect: Dialect): void {
    this.dataSource = dataSource
    this.dialect = dialect
  }

  get hasWork(): boolean {
    return this.newObjects.size > 0 || this.tracked.size > 0 || this.deleted.size > 0
  }

  planFor(entity: object): EntityPlan {
    return this.planOfTarget(entity.constructor)
  }

  planOfTarget(target: unknown): EntityPlan {
    const dataSource = this.dataSource!
    const metadata = dataSource.getMetadata(target as Constructor)
    return planOf(metadata, this.dialect!, dataSource)
  }

  // ---------------------------------------------------------------------------------------------
  // Staging

  add(entity: object): void {
    if (this.tracked.has(entity) || this.newObjects.has(entity)) return
    // Adding a deleted object again means inserting it again.
    deletedObjects.delete(entity)
    if (this.deleted.delete(entity)) {
      this.tracked.add(entity)
      return
    }
    if (this.stateOf(entity)) this.tracked.add(entity)
    else this.newObjects.add(entity)
  }

  delete(entity: object): void {
    if (this.newObjects.delete(entity)) return
    this.tracked.delete(entity)
    this.deleted.add(entity)
  }

  private stateOf(entity: object): EntityState | undefined {
    return this.pending.get(entity) ?? committedStates.get(entity)
  }

  /** The tracked instance with this identity, if the session has one. */
  lookup(plan: EntityPlan, identity: string): object | undefined {
    const entity = this.identity.get(plan.metadata)?.get(identity)
    return entity && !this.deleted.has(entity) ? entity : undefined
  }

  private remember(plan: EntityPlan, entity: object): void {
    const identity = plan.identity(entity)
    if (identity === undefined) return
    let byId = this.identity.get(plan.metadata)
    if (!byId) {
      byId = new Map()
      this.identity.set(plan.metadata, byId)
    }
    byId.set(identity, entity)
  }

  private forget(plan: EntityPlan, entity: object): void {
    const identity = plan.identity(entity)
    if (identity !== undefined && this.identity.get(plan.metadata)?.get(identity) === entity) {
      this.identity.get(plan.metadata)!.delete(identity)
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /**
   * The instance for a row just read: the session's own one if it tracks that identity (its
   * values win, as in any identity map), otherwise a new tracked instance.
   */
  adoptRow(plan: EntityPlan, row: readonly unknown[]): object {
    const existing = this.lookup(plan, plan.rowIdentity(row))
    if (existing) return existing
    const entity = plan.hydrate(row)
    this.trackLoaded(plan, entity)
    return entity
  }

  /** Overwrites an instance with a fresh row and forgets what was changed in memory. */
  refreshFromRow(plan: EntityPlan, entity: object, row: readonly unknown[]): void {
    plan.assignRow(entity as Record<string, unknown>, row)
    const state = this.stateOf(entity)
    this.pending.set(entity, {
      values: plan.columns.map((column) => column.snapshot(readColumn(entity, column))),
      links: state?.links ?? new Map<RelationMetadata, Set<string> | undefined>(),
    })
    this.tracked.add(entity)
    this.remember(plan, entity)
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
      if (!existing) this.trackLoaded(plan, value)
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

  private trackLoaded(plan: EntityPlan, entity: object): void {
    const links = new Map<RelationMetadata, Set<string> | undefined>()
    for (const link of plan.links) {
      const related = (entity as Record<string, unknown>)[link.relation.propertyName]
      links.set(link.relation, Array.isArray(related) ? this.linkIds(link, related) : undefined)
    }
    this.pending.set(entity, {
      values: plan.columns.map((column) => column.snapshot(readColumn(entity, column))),
      links,
    })
    this.tracked.add(entity)
    this.remember(plan, entity)
  }

  // ---------------------------------------------------------------------------------------------
  // Flushing

  /** Brings in every new object reachable from the session's objects through a relation. */
  cascade(): void {
    const stack = [...this.newObjects, ...this.tracked]
    while (stack.length > 0) {
      const entity = stack.pop()!
      const record = entity as Record<string, unknown>
      for (const relation of this.planFor(entity).relations) {
        const value = record[relation.propertyName]
        if (value === null || value === undefined || typeof value !== "object") continue
        const target = relation.inverseEntityMetadata.target as Constructor
        const items: unknown[] = Array.isArray(value) ? value : [value]
        const pointsBack = relation.isOneToMany || relation.isOneToOneNotOwner
        for (const item of items) {
          // A plain `{ id }` stands for a row by reference; only entity instances are saved.
          if (!(item instanceof target)) continue
          if (pointsBack) this.pointAt(item, relation, entity)
          if (this.newObjects.has(item) || this.tracked.has(item) || this.deleted.has(item))
            continue
          if (deletedObjects.has(item) || this.deletedInTransaction.has(item)) continue
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

  /** Whether a flush would write anything (cascade first). */
  computeWork(now: Date): Work {
    this.cascade()
    const inserts = this.orderInserts()
    for (const { plan, entities } of inserts) {
      for (const entity of entities) this.prepareInsert(plan, entity, now)
    }
    const updates: Update[] = []
    for (const entity of this.tracked) {
      const update = this.diff(entity, now)
      if (update) updates.push(update)
    }
    const links: LinkChange[] = []
    for (const entity of [...this.newObjects, ...this.tracked]) this.diffLinks(entity, links)
    const deletes = this.orderDeletes()
    return { inserts, updates, links, deletes }
  }

  private orderInserts(): Insert[] {
    const byPlan = new Map<EntityPlan, object[]>()
    for (const entity of this.newObjects) {
      const plan = this.planFor(entity)
      let list = byPlan.get(plan)
      if (!list) byPlan.set(plan, (list = []))
      list.push(entity)
    }
    const order = typeOrder(this.dataSource!)
    return [...byPlan.entries()]
      .sort(([a], [b]) => (order.get(a.metadata) ?? 0) - (order.get(b.metadata) ?? 0))
      .map(([plan, entities]) => ({ plan, entities: parentsFirst(plan, entities) }))
  }

  private orderDeletes(): Insert[] {
    const byPlan = new Map<EntityPlan, object[]>()
    for (const entity of this.deleted) {
      if (!this.stateOf(entity)) continue
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
    for (const column of plan.columns) {
      if (column.property === undefined) continue
      if (column.stamp === "create" && record[column.property] == null) {
        record[column.property] = now
      } else if (column.stamp === "update" && record[column.property] == null) {
        record[column.property] = now
      } else if (column.relation) {
        // Keep the foreign-key property in step with a related object that is set.
        const value = readColumn(entity, column)
        if (value !== undefined) record[column.property] = value
      }
    }
  }

  private diff(entity: object, now: Date): Update | undefined {
    const plan = this.planFor(entity)
    const state = this.stateOf(entity)
    const record = entity as Record<string, unknown>
    const changed: ColumnPlan[] = []
    const values: unknown[] = []
    let stampColumn: ColumnPlan | undefined
    let stampChangedByUser = false
    for (const column of plan.columns) {
      if (column.isPrimary) continue
      const value = this.currentValue(entity, column, state)
      const unchanged =
        state?.values !== undefined && sameAsSnapshot(column, value, state.values[column.index])
      if (column.stamp === "update") {
        stampColumn = column
        stampChangedByUser = state?.values !== undefined && !unchanged
        continue
      }
      if (!unchanged && (state?.values !== undefined || value !== undefined)) {
        changed.push(column)
        values.push(value)
      }
    }
    if (changed.length === 0) return undefined
    if (stampColumn?.property && !stampChangedByUser) record[stampColumn.property] = now
    if (stampColumn) {
      changed.push(stampColumn)
      values.push(readColumn(entity, stampColumn))
    }
    return { plan, entity, columns: changed, values }
  }

  /**
   * The value a column should have: whichever of the foreign-key property and the related
   * object changed since the snapshot; both are then brought in step.
   */
  private currentValue(
    entity: object,
    column: ColumnPlan,
    state: EntityState | undefined,
  ): unknown {
    const record = entity as Record<string, unknown>
    if (!column.relation || column.property === undefined) return readColumn(entity, column)
    const own = record[column.property]
    const viaRelation = readColumn(entity, column)
    const before = state?.values?.[column.index]
    if (viaRelation === own) return own
    if (!sameAsSnapshot(column, own, before)) {
      // The foreign key was set by hand: the related object no longer describes the row.
      record[column.relation.propertyName] = undefined
      return own
    }
    record[column.property] = viaRelation
    return viaRelation
  }

  private diffLinks(entity: object, out: LinkChange[]): void {
    const plan = this.planFor(entity)
    if (plan.links.length === 0) return
    const state = this.stateOf(entity)
    const ownId = readColumn(entity, plan.primary[0]!)
    for (const link of plan.links) {
      const related = (entity as Record<string, unknown>)[link.relation.propertyName]
      if (!Array.isArray(related)) continue
      const current = this.linkIds(link, related)
      const known = state ? state.links.get(link.relation) : new Set<string>()
      if (known === undefined) {
        out.push({ link, ownId, add: [...current], remove: [], replace: true, keep: [...current] })
        continue
      }
      const add = [...current].filter((id) => !known.has(id))
      const remove = [...known].filter((id) => !current.has(id))
      if (add.length > 0 || remove.length > 0) {
        out.push({ link, ownId, add, remove, replace: false, keep: [] })
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
    transaction: Transaction,
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
      const ids = entities.map((entity) =>
        plan.primary.map((column) => column.toDatabase(readColumn(entity, column))),
      )
      const perStatement = Math.max(1, Math.floor(dialect.maxParameters / plan.primary.length))
      for (let start = 0; start < ids.length; start += perStatement) {
        const chunk = ids.slice(start, start + perStatement)
        await transaction.run(plan.deleteSql(chunk.length), chunk.flat())
      }
    }
  }

  private async insertRows(
    plan: EntityPlan,
    entities: readonly object[],
    transaction: Transaction,
    dialect: Dialect,
  ): Promise<void> {
    // Rows that leave a defaulted column unset are inserted without it, so the default applies.
    const groups = new Map<string, { columns: ColumnPlan[]; rows: unknown[][] }>()
    for (const entity of entities) {
      let key = ""
      for (const column of plan.columns) {
        if (column.hasDatabaseDefault && readColumn(entity, column) === undefined)
          key += `${column.index},`
      }
      let group = groups.get(key)
      if (!group) {
        const omitted = new Set(key.split(",").filter(Boolean).map(Number))
        group = { columns: plan.columns.filter((column) => !omitted.has(column.index)), rows: [] }
        groups.set(key, group)
      }
      group.rows.push(group.columns.map((column) => column.toDatabase(readColumn(entity, column))))
    }
    for (const [key, { columns, rows }] of groups) {
      const width = columns.length
      const maxRows = Math.max(
        1,
        Math.min(MAX_ROWS_PER_INSERT, Math.floor(dialect.maxParameters / width)),
      )
      let start = 0
      while (start < rows.length) {
        let end = start
        let bytes = 0
        while (end < rows.length && end - start < maxRows) {
          bytes += rowBytes(rows[end]!)
          if (end > start && bytes > dialect.maxStatementBytes) break
          end += 1
        }
        const count = end - start
        const params = new Array<unknown>(count * width)
        for (let row = 0; row < count; row += 1) {
          const values = rows[start + row]!
          for (let column = 0; column < width; column += 1)
            params[row * width + column] = values[column]
        }
        await transaction.run(plan.insertSql(columns, count, key), params)
        start = end
      }
    }
  }

  private async writeLinks(
    change: LinkChange,
    transaction: Transaction,
    dialect: Dialect,
  ): Promise<void> {
    const { link, ownId } = change
    const own = dialect.escape(link.ownColumn)
    const other = dialect.escape(link.otherColumn)
    let parameter = 0
    const next = (): string => dialect.placeholder(++parameter)
    if (change.replace || change.remove.length > 0) {
      parameter = 0
      const ids = change.replace ? change.keep : change.remove
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

  /** Records what a successful flush wrote: new objects become tracked, snapshots move on. */
  afterFlush(work: Work): void {
    for (const { plan, entities } of work.inserts) {
      for (const entity of entities) {
        this.newObjects.delete(entity)
        this.tracked.add(entity)
        this.insertedInTransaction.add(entity)
        this.remember(plan, entity)
        this.pending.set(entity, this.snapshotOf(plan, entity))
      }
    }
    for (const update of work.updates) {
      const state = this.stateOf(update.entity)
      this.pending.set(update.entity, {
        values: update.plan.columns.map((column) =>
          column.snapshot(readColumn(update.entity, column)),
        ),
        links: state?.links ?? new Map<RelationMetadata, Set<string> | undefined>(),
      })
    }
    for (const change of work.links) {
      const entity = this.lookupById(change.link.relation.entityMetadata, change.ownId)
      if (!entity) continue
      const state = this.pending.get(entity) ?? {
        ...this.stateOf(entity)!,
        links: new Map(this.stateOf(entity)?.links),
      }
      const related = (entity as Record<string, unknown>)[change.link.relation.propertyName]
      state.links.set(
        change.link.relation,
        Array.isArray(related) ? this.linkIds(change.link, related) : undefined,
      )
      this.pending.set(entity, state)
    }
    if (work.deletes.length > 0) {
      const gone = new Set<object>()
      for (const { plan, entities } of work.deletes) {
        for (const entity of entities) {
          this.deleted.delete(entity)
          this.deletedInTransaction.add(entity)
          this.forget(plan, entity)
          gone.add(entity)
        }
      }
      this.unlinkFromTracked(gone)
    }
    // Deletes of objects that never reached the database need no statement.
    for (const entity of this.deleted) if (!this.stateOf(entity)) this.deleted.delete(entity)
  }

  // Relations of tracked objects stop pointing at deleted ones (an array loses them, a single
  // reference becomes "not loaded"), as if they had been read again.
  private unlinkFromTracked(gone: ReadonlySet<object>): void {
    for (const entity of this.tracked) {
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

  private lookupById(metadata: EntityMetadata, id: unknown): object | undefined {
    return this.identity.get(metadata)?.get(keyOf(id))
  }

  private snapshotOf(plan: EntityPlan, entity: object): EntityState {
    const links = new Map<RelationMetadata, Set<string> | undefined>()
    for (const link of plan.links) {
      const related = (entity as Record<string, unknown>)[link.relation.propertyName]
      links.set(link.relation, Array.isArray(related) ? this.linkIds(link, related) : new Set())
    }
    return {
      values: plan.columns.map((column) => column.snapshot(readColumn(entity, column))),
      links,
    }
  }

  /** The transaction committed: what it wrote and read is now what the database holds. */
  committed(): void {
    for (const [entity, state] of this.pending) committedStates.set(entity, state)
    for (const entity of this.deletedInTransaction) {
      committedStates.delete(entity)
      deletedObjects.add(entity)
    }
    this.pending.clear()
    this.insertedInTransaction.clear()
    this.deletedInTransaction.clear()
  }

  /**
   * The transaction rolled back. Like an ORM that expires its objects: staged and inserted
   * objects leave the session (they are new again), tracked ones get their committed column
   * values back, and objects first seen in this transaction leave the session but stay known
   * to exist, so adding them again updates rather than inserts them.
   */
  rolledBack(): void {
    for (const entity of this.insertedInTransaction) {
      this.tracked.delete(entity)
      this.forget(this.planFor(entity), entity)
    }
    this.newObjects.clear()
    for (const entity of this.deletedInTransaction) this.tracked.add(entity)
    this.deleted.clear()
    for (const entity of [...this.tracked]) {
      const plan = this.planFor(entity)
      const committed = committedStates.get(entity)
      if (!committed) {
        if (this.pending.has(entity))
          committedStates.set(entity, { values: undefined, links: new Map() })
        this.tracked.delete(entity)
        this.forget(plan, entity)
        continue
      }
      this.restore(plan, entity, committed)
      this.remember(plan, entity)
    }
    this.pending.clear()
    this.insertedInTransaction.clear()
    this.deletedInTransaction.clear()
  }

  /** Puts a tracked entity's columns back to what the database holds (as far as known). */
  revert(entity: object): void {
    const state = this.stateOf(entity)
    if (state && this.tracked.has(entity)) this.restore(this.planFor(entity), entity, state)
  }

  private restore(plan: EntityPlan, entity: object, state: EntityState): void {
    const record = entity as Record<string, unknown>
    if (state.values) {
      for (const column of plan.columns) {
        if (column.property === undefined) continue
        const value = state.values[column.index]
        if (!sameAsSnapshot(column, record[column.property], value)) {
          record[column.property] = column.restore(value)
          if (column.relation) record[column.relation.propertyName] = undefined
        }
      }
    }
    for (const link of plan.links) {
      const related = record[link.relation.propertyName]
      if (!Array.isArray(related)) continue
      const known = state.links.get(link.relation)
      const current = this.linkIds(link, related)
      if (!known || known.size !== current.size || [...current].some((id) => !known.has(id))) {
        record[link.relation.propertyName] = undefined
      }
    }
  }

  /** Forgets everything (the session is closing). Committed states stay for other sessions. */
  clear(): void {
    this.newObjects.clear()
    this.tracked.clear()
    this.deleted.clear()
    this.identity.clear()
    this.pending.clear()
    this.insertedInTransaction.clear()
    this.deletedInTransaction.clear()
  }
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

function rowBytes(values: readonly unknown[]): number {
  let bytes = 0
  for (const value of values) bytes += typeof value === "string" ? value.length : 8
  return bytes
}

const typeOrders = new WeakMap<DataSource, Map<EntityMetadata, number>>()

/** Every entity after the entities its foreign keys point at (self-references aside). */
function typeOrder(dataSource: DataSource): Map<EntityMetadata, number> {
  let order = typeOrders.get(dataSource)
  if (order) return order
  order = new Map()
  const visiting = new Set<EntityMetadata>()
  const visit = (metadata: EntityMetadata): void => {
    if (order.has(metadata) || visiting.has(metadata)) return
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
    order.set(metadata, order.size)
  }
  for (const metadata of dataSource.entityMetadatas) visit(metadata)
  typeOrders.set(dataSource, order)
  return order
}

/** Rows of a self-referencing table ordered so that a parent comes before its children. */
function parentsFirst(plan: EntityPlan, entities: object[]): object[] {
  const selfColumns = plan.columns.filter(
    (column) => column.relation && column.relation.inverseEntityMetadata === plan.metadata,
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
      const parent = parentId == null ? undefined : byId.get(keyOf(parentId))
      if (parent && parent !== entity) place(parent, depth + 1)
    }
    placed.add(entity)
    ordered.push(entity)
  }
  for (const entity of entities) place(entity, 0)
  return ordered
}
