import type { DataSource, EntityMetadata } from "typeorm"
import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { Dialect } from "../drivers/dialect"
import { planColumn, readColumn, type ColumnPlan } from "./column-plan"
import { entityEventsOf, type EntityEvents } from "./entity-events"
import { compileInsertPreparer, type InsertPreparer } from "./insert-preparer"
import { escapeTablePath, planLink, type LinkPlan } from "./link-plan"
import { compileRowAssigner, type RowAssigner } from "./row-hydrator"
import { compileRowWriter, type RowWriter } from "./row-writer"

/** A class, as entity metadata names its target. */
export type Constructor = abstract new (...args: never[]) => object

/**
 * Everything the engine needs to know of one entity to write and read its rows, computed once
 * per metadata: its columns and how their values convert, its identity, its relations and links,
 * and a hydrator. SQL text is built from plans in `sql/`.
 */
export class EntityPlan {
  /** The escaped table (with its schema, if any). */
  readonly table: string
  readonly columns: readonly ColumnPlan[]
  readonly primary: readonly ColumnPlan[]
  /** Relations that can reach other entities (for cascading `add`). */
  readonly relations: readonly RelationMetadata[]
  readonly links: readonly LinkPlan[]
  /** An id the database generates (auto-increment): such rows go through TypeORM's insert. */
  readonly needsDatabaseIds: boolean
  /** Columns the session stamps with the flush time when they are unset. */
  readonly stamped: readonly ColumnPlan[]
  /** Join columns (foreign keys of owning relations). */
  readonly joinColumns: readonly ColumnPlan[]
  /** Columns with a database default, left out of an INSERT when unset. */
  readonly defaulted: readonly ColumnPlan[]
  /** Columns whose unset property gets a value on insert (see `ColumnPlan.fill`). */
  readonly filled: readonly ColumnPlan[]
  /**
   * The lifecycle events something (an entity listener, a subscriber) listens to; undefined when
   * nothing does, and then the session broadcasts nothing for this entity.
   */
  readonly events: EntityEvents | undefined
  /** Columns with a value check (see `value-check.ts`), run on every row a flush writes. */
  readonly checked: readonly ColumnPlan[]
  /** TypeORM's `@VersionColumn`: 1 on insert, compared and incremented by every update. */
  readonly version: ColumnPlan | undefined
  /** Whether entities read need an `afterLoad` broadcast (checked per row: a plain field). */
  readonly afterLoad: boolean
  private readonly subsets = new Map<string, readonly ColumnPlan[]>()
  private readonly writers = new Map<string, RowWriter>()
  private shallow: EntityMetadata | undefined
  private readonly prototype: object
  private assigner: RowAssigner | undefined
  private preparer: InsertPreparer | undefined

  constructor(
    readonly metadata: EntityMetadata,
    readonly dialect: Dialect,
    private readonly dataSource: DataSource,
  ) {
    this.table = escapeTablePath(metadata.tablePath, dialect)
    const embedded = metadata.relations.find((relation) => relation.embeddedMetadata)
    if (embedded) {
      throw new TypeError(
        `${metadata.name}.${embedded.propertyPath}: relations inside embedded objects are not supported by the session; use session.manager for this entity`,
      )
    }
    this.columns = metadata.columns
      .filter((column) => !column.isVirtualProperty)
      .map((column, index) => planColumn(column, index, dialect, dataSource))
    this.primary = this.columns.filter((column) => column.isPrimary)
    this.needsDatabaseIds = metadata.columns.some(
      (column) => column.isGenerated && column.generationStrategy !== "uuid",
    )
    this.relations = metadata.relations.filter((relation) => !relation.isLazy)
    this.links = metadata.manyToManyRelations
      .filter((relation) => !relation.isLazy && relation.junctionEntityMetadata)
      .map((relation) => planLink(relation, dialect))
    this.stamped = this.columns.filter((column) => column.stamp && column.property !== undefined)
    this.joinColumns = this.columns.filter((column) => column.relation !== undefined)
    this.defaulted = this.columns.filter((column) => column.hasDatabaseDefault)
    this.filled = this.columns.filter(
      (column) => column.fill !== undefined && column.property !== undefined && !column.stamp,
    )
    this.checked = this.columns.filter((column) => column.check !== undefined)
    this.version = this.columns.find((column) => column.column.isVersion)
    this.events = entityEventsOf(metadata, dataSource)
    this.afterLoad = this.events?.afterLoad ?? false
    this.prototype = (metadata.target as Constructor).prototype as object
  }

  /**
   * The metadata to broadcast `afterLoad` with: the entity's own, without relations, so that
   * TypeORM's broadcaster does not walk into related objects (the session broadcasts each entity
   * it hydrates itself, and not the tracked ones a relation points at).
   */
  get loadMetadata(): EntityMetadata {
    this.shallow ??= Object.create(this.metadata, {
      relations: { value: [] },
    }) as EntityMetadata
    return this.shallow
  }

  /** The plan of another entity of the same data source. */
  planOf(target: unknown): EntityPlan {
    return planOf(this.dataSource.getMetadata(target as Constructor), this.dialect, this.dataSource)
  }

  /** The columns without those whose indexes `key` lists ("3,7,"). */
  columnsWithout(key: string): readonly ColumnPlan[] {
    let subset = this.subsets.get(key)
    if (!subset) {
      const omitted = new Set(key.split(",").filter(Boolean).map(Number))
      subset = this.columns.filter((column) => !omitted.has(column.index))
      this.subsets.set(key, subset)
    }
    return subset
  }

  /** The writer of an INSERT's rows of the columns without those `key` lists (see `columnsWithout`). */
  rowWriter(key: string): RowWriter {
    let writer = this.writers.get(key)
    if (!writer) {
      writer = compileRowWriter(key === "" ? this.columns : this.columnsWithout(key))
      this.writers.set(key, writer)
    }
    return writer
  }

  /** A snapshot of every column of an entity (as the database holds them), by column index. */
  snapshotRow(entity: object): unknown[] {
    const snapshot = new Array<unknown>(this.columns.length)
    for (const column of this.columns) {
      snapshot[column.index] = column.keep(column.toDatabase(readColumn(entity, column)))
    }
    return snapshot
  }

  /** The identity of an entity: its primary key as one string. */
  identity(entity: object): string | undefined {
    if (this.primary.length === 1) {
      const value = readColumn(entity, this.primary[0]!)
      return value === undefined || value === null ? undefined : this.primary[0]!.key(value)
    }
    const parts: string[] = []
    for (const column of this.primary) {
      const value = readColumn(entity, column)
      if (value === undefined || value === null) return undefined
      parts.push(column.key(value))
    }
    return parts.join("\u0000")
  }

  /** The identity of a row read from the database. */
  rowIdentity(row: readonly unknown[]): string {
    if (this.primary.length === 1) return this.primary[0]!.key(row[this.primary[0]!.index])
    return this.primary.map((column) => column.key(row[column.index])).join("\u0000")
  }

  /** The database values of an entity's primary-key columns, in key order. */
  primaryValues(entity: object): unknown[] {
    return this.primary.map((column) =>
      column.toDatabase((entity as Record<string, unknown>)[column.property!]),
    )
  }

  /** The identity a primary-key value has (for a single-column key). */
  keyOfId(id: unknown): string {
    if (this.primary.length !== 1) {
      throw new TypeError(`${this.metadata.name} has a composite primary key; use session.findOne`)
    }
    return this.primary[0]!.key(id)
  }

  /** The identities of the related objects of a many-to-many relation. */
  linkedIds(link: LinkPlan, related: readonly unknown[]): Set<string> {
    const ids = new Set<string>()
    const plan = planOf(link.otherMetadata, this.dialect, this.dataSource)
    for (const item of related) {
      if (item === null || typeof item !== "object") continue
      const id = plan.identity(item)
      if (id !== undefined) ids.add(id)
    }
    return ids
  }

  /**
   * A new instance of the entity from a row in column order, without its constructor. The row
   * is left holding what the entity's snapshot keeps of each value (a Date's time, say): it
   * becomes the snapshot.
   */
  hydrate(row: unknown[]): object {
    const entity = Object.create(this.prototype) as object
    this.assignRow(entity, row)
    return entity
  }

  /** Copies a row's values onto an existing instance; the row is left as `hydrate` leaves it. */
  assignRow(entity: object, row: unknown[]): void {
    ;(this.assigner ??= compileRowAssigner(this.columns))(entity, row)
  }

  /** Makes a new entity hold what its row will hold (see `compileInsertPreparer`). */
  prepareInsert(entity: object, time: number): void {
    ;(this.preparer ??= compileInsertPreparer(this))(entity, time)
  }
}

const plans = new WeakMap<EntityMetadata, EntityPlan>()

/** The plan of an entity, built on first use. */
export function planOf(
  metadata: EntityMetadata,
  dialect: Dialect,
  dataSource: DataSource,
): EntityPlan {
  let plan = plans.get(metadata)
  if (!plan) {
    plan = new EntityPlan(metadata, dialect, dataSource)
    plans.set(metadata, plan)
  }
  return plan
}
