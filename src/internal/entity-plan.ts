import type { DataSource, EntityMetadata } from "typeorm"
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata"
import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import { MetadataEntity } from "../mixins/metadata-entity"
import { uuidv7 } from "../uuid"
import type { Dialect } from "./drivers/dialect"

/** How one column's value travels between an entity and the database. */
export interface ColumnPlan {
  readonly index: number
  readonly column: ColumnMetadata
  /** The entity property holding the value; undefined for a join column with no property. */
  readonly property: string | undefined
  /** The escaped column name. */
  readonly sqlName: string
  /** The owning relation (many-to-one, one-to-one owner) whose join column this is. */
  readonly relation: RelationMetadata | undefined
  /** The property of the related entity the column refers to (usually `id`). */
  readonly referencedProperty: string | undefined
  readonly isPrimary: boolean
  /** Stamped by the session: on insert (`create`), or on insert and every update (`update`). */
  readonly stamp: "create" | "update" | undefined
  /** Left out of an INSERT when the value is undefined, so the database default applies. */
  readonly hasDatabaseDefault: boolean
  /**
   * What an unset property becomes on insert, so the object holds what its row holds: the
   * column's literal default, or null for a nullable column. Undefined: leave it unset.
   */
  readonly fill: { readonly value: unknown } | undefined
  /** The identity-map key of a value (uuids in lower case, as the databases compare them). */
  readonly key: (value: unknown) => string
  /** A primary key the application may generate (uuid) when none was given. */
  readonly generateUuid: boolean
  readonly toDatabase: (value: unknown) => unknown
  readonly fromDatabase: (value: unknown) => unknown
  /**
   * Whether the entity's value still is what the row holds. Snapshots are kept as the database
   * has the value (as written, or as read: a row read is its own snapshot, nothing is copied).
   */
  readonly unchanged: (value: unknown, snapshot: unknown) => boolean
  /** The entity's value for a snapshot. */
  readonly restore: (snapshot: unknown) => unknown
  /** What a written value is kept as in a snapshot (a Date as its time: Dates change in place). */
  readonly keep: (converted: unknown) => unknown
}

/** The link rows of a many-to-many relation, seen from one side. */
export interface LinkPlan {
  readonly relation: RelationMetadata
  readonly junction: EntityMetadata
  readonly table: string
  /** The junction column holding this side's id, and the one holding the other side's. */
  readonly ownColumn: string
  readonly otherColumn: string
  /** The junction's column order, and where this side and the other side go in it. */
  readonly ownFirst: boolean
  readonly otherMetadata: EntityMetadata
}

/**
 * Everything the session needs to write and read rows of one entity, computed once per
 * metadata: column conversions, the SQL of inserts by row count, of updates by changed columns,
 * and a hydrator.
 */
export class EntityPlan {
  readonly table: string
  readonly columns: readonly ColumnPlan[]
  readonly primary: readonly ColumnPlan[]
  /** Relations that can reach other entities (for cascading `add`). */
  readonly relations: readonly RelationMetadata[]
  readonly links: readonly LinkPlan[]
  /** An id the database generates (auto-increment): such rows go through TypeORM's insert. */
  readonly needsDatabaseIds: boolean
  readonly selectList: string
  /** Columns the session stamps with the flush time when they are unset. */
  readonly stamped: readonly ColumnPlan[]
  /** Join columns (foreign keys of owning relations). */
  readonly joinColumns: readonly ColumnPlan[]
  /** Columns with a database default, left out of an INSERT when unset. */
  readonly defaulted: readonly ColumnPlan[]
  /** Columns whose unset property gets a value on insert (see `ColumnPlan.fill`). */
  readonly filled: readonly ColumnPlan[]
  private readonly sqlCache = new Map<string, string>()
  private readonly subsets = new Map<string, readonly ColumnPlan[]>()

  constructor(
    readonly metadata: EntityMetadata,
    readonly dialect: Dialect,
    dataSource: DataSource,
  ) {
    this.table = metadata.tablePath
      .split(".")
      .map((part) => dialect.escape(part))
      .join(".")
    const target = metadata.target
    const isMetadataEntity =
      typeof target === "function" && (target.prototype as object) instanceof MetadataEntity
    const embedded = metadata.columns.find((column) => column.embeddedMetadata)
    if (embedded) {
      throw new TypeError(
        `${metadata.name}.${embedded.propertyPath}: embedded columns are not supported by the session; use session.manager for this entity`,
      )
    }
    this.columns = metadata.columns
      .filter((column) => !column.isVirtualProperty)
      .map((column, index) => planColumn(column, index, dialect, dataSource, isMetadataEntity))
    this.primary = this.columns.filter((column) => column.isPrimary)
    this.needsDatabaseIds = metadata.columns.some(
      (column) => column.isGenerated && column.generationStrategy !== "uuid",
    )
    this.relations = metadata.relations.filter((relation) => !relation.isLazy)
    this.links = metadata.manyToManyRelations
      .filter((relation) => !relation.isLazy && relation.junctionEntityMetadata)
      .map((relation) => planLink(relation, dialect))
    this.selectList = this.columns.map((column) => column.sqlName).join(", ")
    this.stamped = this.columns.filter((column) => column.stamp && column.property !== undefined)
    this.joinColumns = this.columns.filter((column) => column.relation !== undefined)
    this.defaulted = this.columns.filter((column) => column.hasDatabaseDefault)
    this.filled = this.columns.filter(
      (column) => column.fill !== undefined && column.property !== undefined && !column.stamp,
    )
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

  /** A snapshot of every column of an entity (as the database holds them), by column index. */
  snapshotRow(entity: object): unknown[] {
    const snapshot = new Array<unknown>(this.columns.length)
    for (const column of this.columns) {
      snapshot[column.index] = column.keep(column.toDatabase(readColumn(entity, column)))
    }
    return snapshot
  }

  /** `INSERT INTO t (…) VALUES (…), (…)` for `rowCount` rows of the given columns. */
  insertSql(columns: readonly ColumnPlan[], rowCount: number, key: string): string {
    const cacheKey = `i:${key}:${rowCount}`
    let sql = this.sqlCache.get(cacheKey)
    if (sql) return sql
    const names = columns.map((column) => column.sqlName).join(", ")
    const rows: string[] = []
    let parameter = 0
    for (let row = 0; row < rowCount; row += 1) {
      const slots = columns.map(() => this.dialect.placeholder(++parameter))
      rows.push(`(${slots.join(", ")})`)
    }
    sql = `INSERT INTO ${this.table} (${names}) VALUES ${rows.join(", ")}`
    this.remember(cacheKey, sql)
    return sql
  }

  /** `UPDATE t SET a = ?, b = ? WHERE id = ?` for the given changed columns. */
  updateSql(columns: readonly ColumnPlan[], key: string): string {
    const cacheKey = `u:${key}`
    let sql = this.sqlCache.get(cacheKey)
    if (sql) return sql
    let parameter = 0
    const sets = columns.map(
      (column) => `${column.sqlName} = ${this.dialect.placeholder(++parameter)}`,
    )
    const where = this.primary.map(
      (column) => `${column.sqlName} = ${this.dialect.placeholder(++parameter)}`,
    )
    sql = `UPDATE ${this.table} SET ${sets.join(", ")} WHERE ${where.join(" AND ")}`
    this.remember(cacheKey, sql)
    return sql
  }

  /** `DELETE FROM t WHERE id IN (…)` for `rowCount` rows. */
  deleteSql(rowCount: number): string {
    const cacheKey = `d:${rowCount}`
    let sql = this.sqlCache.get(cacheKey)
    if (sql) return sql
    let parameter = 0
    if (this.primary.length === 1) {
      const slots = Array.from({ length: rowCount }, () => this.dialect.placeholder(++parameter))
      sql = `DELETE FROM ${this.table} WHERE ${this.primary[0]!.sqlName} IN (${slots.join(", ")})`
    } else {
      const rows = Array.from(
        { length: rowCount },
        () =>
          `(${this.primary
            .map((column) => `${column.sqlName} = ${this.dialect.placeholder(++parameter)}`)
            .join(" AND ")})`,
      )
      sql = `DELETE FROM ${this.table} WHERE ${rows.join(" OR ")}`
    }
    this.remember(cacheKey, sql)
    return sql
  }

  /** `SELECT <all columns> FROM t WHERE id = ?`. */
  selectByIdSql(): string {
    const cacheKey = "s:id"
    let sql = this.sqlCache.get(cacheKey)
    if (sql) return sql
    let parameter = 0
    const where = this.primary.map(
      (column) => `${column.sqlName} = ${this.dialect.placeholder(++parameter)}`,
    )
    sql = `SELECT ${this.selectList} FROM ${this.table} WHERE ${where.join(" AND ")}`
    this.remember(cacheKey, sql)
    return sql
  }

  /** Caches any SQL this plan's callers build (finds of a given shape, say). */
  cached(key: string, build: () => string): string {
    let sql = this.sqlCache.get(key)
    if (sql === undefined) {
      sql = build()
      this.remember(key, sql)
    }
    return sql
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

  /** The identity a primary-key value has (for a single-column key). */
  keyOfId(id: unknown): string {
    return this.primary[0]!.key(id)
  }

  /** A new instance of the entity from a row in `selectList` order, without its constructor. */
  hydrate(row: readonly unknown[]): object {
    const entity = Object.create(
      (this.metadata.target as Constructor).prototype as object,
    ) as Record<string, unknown>
    this.assignRow(entity, row)
    return entity
  }

  /** Copies a row's values onto an existing instance. */
  assignRow(entity: Record<string, unknown>, row: readonly unknown[]): void {
    for (const column of this.columns) {
      if (column.property !== undefined) {
        entity[column.property] = column.fromDatabase(row[column.index])
      }
    }
  }

  /** Gives a primary key the application can generate (uuid) a value, if it has none. */
  assignGeneratedIds(entity: Record<string, unknown>): void {
    for (const column of this.primary) {
      if (column.generateUuid && column.property && entity[column.property] == null) {
        entity[column.property] = uuidv7()
      }
    }
  }

  private remember(key: string, sql: string): void {
    // Bounded: insert SQL exists once per row count in use.
    if (this.sqlCache.size > 2_000) this.sqlCache.clear()
    this.sqlCache.set(key, sql)
  }
}

/** A class, as entity metadata names its target. */
export type Constructor = abstract new (...args: never[]) => object

/** A primary-key value as a map key: ids are strings or numbers, anything else goes through JSON. */
export function keyOf(value: unknown): string {
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "bigint") return String(value)
  return JSON.stringify(value)
}

/**
 * A column's value as the entity holds it right now. For a join column, a related object that is
 * set decides; otherwise the foreign-key property does.
 */
export function readColumn(entity: object, column: ColumnPlan): unknown {
  const record = entity as Record<string, unknown>
  if (column.relation && column.referencedProperty) {
    const related = record[column.relation.propertyName]
    if (related !== undefined && related !== null && typeof related === "object") {
      const id = (related as Record<string, unknown>)[column.referencedProperty]
      if (id !== undefined) return id
    }
    if (related === null && column.property === undefined) return null
  }
  return column.property === undefined ? undefined : record[column.property]
}

const PLAIN_TYPES = new Set<unknown>([
  "uuid",
  "varchar",
  "character varying",
  "char",
  "character",
  "nvarchar",
  "nchar",
  "text",
  "tinytext",
  "mediumtext",
  "longtext",
  "int",
  "integer",
  "int4",
  "smallint",
  "int2",
  "double",
  "double precision",
  "float",
  "float8",
  "float4",
  "real",
  String,
  Number,
])

const DATE_TYPES = new Set<unknown>([
  Date,
  "datetime",
  "timestamp",
  "timestamptz",
  "timestamp with time zone",
  "timestamp without time zone",
])

function planColumn(
  column: ColumnMetadata,
  index: number,
  dialect: Dialect,
  dataSource: DataSource,
  isMetadataEntity: boolean,
): ColumnPlan {
  const driver = dataSource.driver
  const relation =
    column.relationMetadata && !column.relationMetadata.isManyToMany
      ? column.relationMetadata
      : undefined
  const property = column.isVirtual ? undefined : column.propertyName
  const simple = !column.transformer && !column.isArray && !column.embeddedMetadata
  let toDatabase: (value: unknown) => unknown
  let fromDatabase: (value: unknown) => unknown
  let unchanged: (value: unknown, snapshot: unknown) => boolean
  let restore: (snapshot: unknown) => unknown
  let keep = (converted: unknown): unknown => converted
  const isUuid = column.type === "uuid"
  if (simple && isUuid) {
    // PostgreSQL and MariaDB compare uuids regardless of case; SQLite stores text, so the
    // session writes and looks them up in lower case everywhere.
    toDatabase = (value) =>
      typeof value === "string" ? lowerUuid(value) : value === undefined ? null : value
    fromDatabase = (value) => value
    unchanged = (value, snapshot) =>
      value === snapshot ||
      (value == null && snapshot == null) ||
      (typeof value === "string" && lowerUuid(value) === snapshot)
    restore = (snapshot) => snapshot
  } else if (simple && PLAIN_TYPES.has(column.type)) {
    toDatabase = (value) => (value === undefined ? null : value)
    fromDatabase = (value) => value
    unchanged = (value, snapshot) => value === snapshot || (value == null && snapshot == null)
    restore = (snapshot) => snapshot
  } else if (simple && DATE_TYPES.has(column.type) && dialect.kind === "sqlite") {
    toDatabase = (value) => (value instanceof Date ? sqliteDateTime(value) : (value ?? null))
    fromDatabase = (value) => (typeof value === "string" ? parseSqliteDateTime(value) : value)
    unchanged = (value, snapshot) =>
      value instanceof Date
        ? sqliteDateTime(value) === snapshot
        : value === snapshot || (value == null && snapshot == null)
    restore = fromDatabase
  } else if (simple && DATE_TYPES.has(column.type)) {
    toDatabase = (value) => (value === undefined ? null : value)
    // A copy: the row's Date is the snapshot, and a Date can be changed in place.
    fromDatabase = (value) =>
      value instanceof Date
        ? new Date(value.getTime())
        : value === null
          ? value
          : driver.prepareHydratedValue(value, column)
    // A snapshot holds a Date read from the database, or the time of one written.
    keep = (converted) => (converted instanceof Date ? converted.getTime() : converted)
    unchanged = (value, snapshot) =>
      value instanceof Date
        ? value.getTime() === (snapshot instanceof Date ? snapshot.getTime() : snapshot)
        : value === snapshot || (value == null && snapshot == null)
    restore = (snapshot) =>
      typeof snapshot === "number" ? new Date(snapshot) : fromDatabase(snapshot)
  } else {
    toDatabase = (value) =>
      value === undefined ? null : driver.preparePersistentValue(value, column)
    // A copy of an object (JSON, say): the row's value is the snapshot, and objects change in
    // place.
    fromDatabase = (value) => {
      const hydrated = driver.prepareHydratedValue(value, column) as unknown
      return hydrated !== null && typeof hydrated === "object" && !(hydrated instanceof Date)
        ? structuredClone(hydrated)
        : hydrated
    }
    unchanged = (value, snapshot) => {
      const current = toDatabase(value)
      return current === snapshot || comparable(current) === comparable(snapshot)
    }
    restore = fromDatabase
  }
  const declaredBy = column.target
  const isOwnStamp =
    isMetadataEntity &&
    declaredBy === MetadataEntity &&
    (column.propertyName === "createdAt" || column.propertyName === "updatedAt")
  let stamp: ColumnPlan["stamp"]
  if (column.isCreateDate || (isOwnStamp && column.propertyName === "createdAt")) stamp = "create"
  else if (column.isUpdateDate || (isOwnStamp && column.propertyName === "updatedAt"))
    stamp = "update"
  return {
    index,
    column,
    property,
    sqlName: dialect.escape(column.databaseName),
    relation,
    referencedProperty: relation ? column.referencedColumn?.propertyName : undefined,
    isPrimary: column.isPrimary,
    stamp,
    hasDatabaseDefault:
      (column.default !== undefined && !isLiteral(column.default)) ||
      (column.isGenerated && column.generationStrategy !== "uuid"),
    fill:
      column.isGenerated || column.isVirtual
        ? undefined
        : isLiteral(column.default)
          ? { value: column.default }
          : column.default === undefined && column.isNullable
            ? { value: null }
            : undefined,
    key: isUuid ? (value) => keyOf(typeof value === "string" ? lowerUuid(value) : value) : keyOf,
    generateUuid:
      column.isPrimary && (column.type === "uuid" || column.generationStrategy === "uuid"),
    toDatabase,
    fromDatabase,
    unchanged,
    restore,
    keep,
  }
}

const UPPER_CASE = /[A-Z]/

// Ids are lower case already almost always; only then is a copy made.
function lowerUuid(value: string): string {
  return UPPER_CASE.test(value) ? value.toLowerCase() : value
}

function isLiteral(value: unknown): boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
}

// Values of other columns (JSON, booleans, buffers, transformed values) compare through their
// JSON text: a driver may hand back an object where the session wrote text, or 1 for true.
function comparable(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === "string") return value
  if (value instanceof Date) return String(value.getTime())
  return JSON.stringify(value) ?? null
}

function planLink(relation: RelationMetadata, dialect: Dialect): LinkPlan {
  const junction = relation.junctionEntityMetadata!
  const ownColumns = relation.isOwning ? junction.ownerColumns : junction.inverseColumns
  const otherColumns = relation.isOwning ? junction.inverseColumns : junction.ownerColumns
  if (ownColumns.length !== 1 || otherColumns.length !== 1) {
    throw new TypeError(
      `${relation.entityMetadata.name}.${relation.propertyName}: many-to-many relations over composite keys are not supported by the session`,
    )
  }
  const ownColumn = ownColumns[0]!.databaseName
  const otherColumn = otherColumns[0]!.databaseName
  const order = junction.columns.map((column) => column.databaseName)
  return {
    relation,
    junction,
    table: junction.tablePath
      .split(".")
      .map((part) => dialect.escape(part))
      .join("."),
    ownColumn,
    otherColumn,
    ownFirst: order.indexOf(ownColumn) < order.indexOf(otherColumn),
    otherMetadata: relation.inverseEntityMetadata,
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

// SQLite keeps dates as text, the way TypeORM writes them: "YYYY-MM-DD HH:MM:SS.mmm" in UTC.
// Text in this form sorts in time order, which is what ORDER BY created_at relies on. A flush
// stamps every row with the same Date, so the last conversion is remembered.
let lastTime = Number.NaN
let lastText = ""

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value)
}

export function sqliteDateTime(date: Date): string {
  const time = date.getTime()
  if (time === lastTime) return lastText
  const year = date.getUTCFullYear()
  const ms = date.getUTCMilliseconds()
  const yearText = year < 1000 ? String(year).padStart(4, "0") : String(year)
  const msText = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : String(ms)
  lastText =
    `${yearText}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${msText}`
  lastTime = time
  return lastText
}

function digits(text: string, start: number, count: number): number {
  let value = 0
  for (let i = start; i < start + count; i += 1) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return Number.NaN
    value = value * 10 + digit
  }
  return value
}

/** Parses SQLite's date text (as written above, or without milliseconds) without a regex. */
export function parseSqliteDateTime(text: string): Date {
  const length = text.length
  if ((length === 19 || length === 23) && text.charCodeAt(4) === 45 && text.charCodeAt(13) === 58) {
    const time = Date.UTC(
      digits(text, 0, 4),
      digits(text, 5, 2) - 1,
      digits(text, 8, 2),
      digits(text, 11, 2),
      digits(text, 14, 2),
      digits(text, 17, 2),
      length === 23 ? digits(text, 20, 3) : 0,
    )
    if (!Number.isNaN(time)) return new Date(time)
  }
  // Anything else SQLite may hold (ISO text with a zone, say): as TypeORM reads it.
  const naive = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
  return new Date(naive ? `${text.replace(" ", "T")}Z` : text)
}
