import type { DataSource } from "typeorm"
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata"
import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { Dialect } from "../drivers/dialect"
import { sqliteDateTime, sqliteTime } from "../drivers/sqlite/sqlite-dates"
import { stampOf, type Stamp } from "./stamped-columns"
import { valueCheckOf, type ValueCheck } from "./value-check"
import { FLOAT_TYPES, INTEGER_TYPES, TEXT_TYPES } from "./column-types"

/** How one column's value travels between an entity and the database. */
export interface ColumnPlan {
  readonly index: number
  readonly column: ColumnMetadata
  /**
   * The entity property holding the value; undefined for a join column with no property and for
   * a column of an embedded object (`embedded`), whose value is read and written by path.
   */
  readonly property: string | undefined
  /** A column of an embedded object (`@Column(() => Address) address`): `address.city`, say. */
  readonly embedded: boolean
  /** The escaped column name. */
  readonly sqlName: string
  /** The owning relation (many-to-one, one-to-one owner) whose join column this is. */
  readonly relation: RelationMetadata | undefined
  /** The property of the related entity the column refers to (usually `id`). */
  readonly referencedProperty: string | undefined
  readonly isPrimary: boolean
  /** Stamped by the session: on insert (`create`), or on insert and every update (`update`). */
  readonly stamp: Stamp | undefined
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
  /** `fromDatabase` hands the value over as it is: a hydrator copies it without a call. */
  readonly readsAsIs: boolean
  /**
   * The entity's value of a row just read, where the row becomes the entity's snapshot: the
   * driver's own object goes to the entity and the row keeps what a snapshot keeps of it
   * (`keep`), instead of the entity getting a copy. Undefined: `fromDatabase` of the value. Never
   * set for primary-key and join columns, whose row values readers still use as keys.
   */
  readonly fromRow: ((row: unknown[], index: number) => unknown) | undefined
  /**
   * Whether the entity's value still is what the row holds. Snapshots are kept as the database
   * has the value (as written, or as read: a row read is its own snapshot, nothing is copied).
   */
  readonly unchanged: (value: unknown, snapshot: unknown) => boolean
  /** The entity's value for a snapshot. */
  readonly restore: (snapshot: unknown) => unknown
  /** What a written value is kept as in a snapshot (a Date as its time: Dates change in place). */
  readonly keep: (converted: unknown) => unknown
  /** What every database cannot store exactly (see `value-check.ts`); undefined: nothing. */
  readonly check: ValueCheck | undefined
}

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
  if (column.property !== undefined) return record[column.property]
  return column.embedded ? column.column.getEntityValue(entity) : undefined
}

/**
 * Sets a column's value on an entity: its property, or, for a column of an embedded object, the
 * property of that object (created, as TypeORM creates it, when the entity has none yet).
 */
export function writeColumn(entity: object, column: ColumnPlan, value: unknown): void {
  if (column.property !== undefined) (entity as Record<string, unknown>)[column.property] = value
  else if (column.embedded) column.column.setEntityValue(entity, value)
}

// Values of these columns go to and come from the database as they are.
const PLAIN_TYPES = new Set<unknown>(["uuid", ...TEXT_TYPES, ...INTEGER_TYPES, ...FLOAT_TYPES])

const DATE_TYPES = new Set<unknown>([
  Date,
  "datetime",
  "timestamp",
  "timestamptz",
  "timestamp with time zone",
  "timestamp without time zone",
])

type Conversions = Pick<
  ColumnPlan,
  "toDatabase" | "fromDatabase" | "readsAsIs" | "unchanged" | "restore" | "keep"
> & { readonly fromRow?: ColumnPlan["fromRow"] }

const keepAsIs = (converted: unknown): unknown => converted

// How values of one column are converted and compared, by the kind of column.
function conversions(
  column: ColumnMetadata,
  dialect: Dialect,
  dataSource: DataSource,
): Conversions {
  const driver = dataSource.driver
  const simple = !column.transformer && !column.isArray && !column.embeddedMetadata?.isArray
  if (simple && column.type === "uuid") {
    // PostgreSQL and MariaDB compare uuids regardless of case; SQLite stores text, so the
    // session writes and looks them up in lower case everywhere.
    return {
      toDatabase: (value) =>
        typeof value === "string" ? lowerUuid(value) : value === undefined ? null : value,
      fromDatabase: (value) => value,
      readsAsIs: true,
      unchanged: (value, snapshot) =>
        value === snapshot ||
        (value == null && snapshot == null) ||
        (typeof value === "string" && lowerUuid(value) === snapshot),
      restore: (snapshot) => snapshot,
      keep: keepAsIs,
    }
  }
  if (simple && PLAIN_TYPES.has(column.type)) {
    return {
      toDatabase: (value) => (value === undefined ? null : value),
      fromDatabase: (value) => value,
      readsAsIs: true,
      unchanged: (value, snapshot) => value === snapshot || (value == null && snapshot == null),
      restore: (snapshot) => snapshot,
      keep: keepAsIs,
    }
  }
  if (simple && DATE_TYPES.has(column.type) && dialect.kind === "sqlite") {
    const fromDatabase = (value: unknown): unknown =>
      typeof value === "string" ? readSqliteDate(value) : value
    return {
      toDatabase: (value) => (value instanceof Date ? sqliteDateTime(value) : (value ?? null)),
      fromDatabase,
      readsAsIs: false,
      unchanged: (value, snapshot) =>
        value instanceof Date
          ? sqliteDateTime(value) === snapshot
          : value === snapshot || (value == null && snapshot == null),
      restore: fromDatabase,
      keep: keepAsIs,
    }
  }
  if (simple && DATE_TYPES.has(column.type)) {
    // A copy: the row's Date is the snapshot, and a Date can be changed in place.
    const fromDatabase = (value: unknown): unknown =>
      value instanceof Date
        ? new Date(value.getTime())
        : value === null
          ? value
          : driver.prepareHydratedValue(value, column)
    const keep = (converted: unknown): unknown =>
      converted instanceof Date ? converted.getTime() : converted
    return {
      toDatabase: (value) => (value === undefined ? null : value),
      fromDatabase,
      readsAsIs: false,
      // The driver's Date to the entity, its time to the snapshot: one Date per value, not two.
      fromRow: (row, index) => {
        const value = row[index]
        if (!(value instanceof Date)) return fromDatabase(value)
        row[index] = keep(value)
        return value
      },
      // A snapshot holds a Date read from the database, or the time of one written.
      keep,
      unchanged: (value, snapshot) =>
        value instanceof Date
          ? value.getTime() === (snapshot instanceof Date ? snapshot.getTime() : snapshot)
          : value === snapshot || (value == null && snapshot == null),
      restore: (snapshot) =>
        typeof snapshot === "number" ? new Date(snapshot) : fromDatabase(snapshot),
    }
  }
  const toDatabase = (value: unknown): unknown =>
    value === undefined ? null : driver.preparePersistentValue(value, column)
  // A copy of an object (JSON, say): the row's value is the snapshot, and objects change in place.
  const fromDatabase = (value: unknown): unknown => {
    const hydrated = driver.prepareHydratedValue(value, column) as unknown
    return hydrated !== null && typeof hydrated === "object" && !(hydrated instanceof Date)
      ? structuredClone(hydrated)
      : hydrated
  }
  return {
    toDatabase,
    fromDatabase,
    readsAsIs: false,
    unchanged: (value, snapshot) => {
      const current = toDatabase(value)
      return current === snapshot || comparable(current) === comparable(snapshot)
    },
    restore: fromDatabase,
    keep: keepAsIs,
  }
}

/** The plan of one column of an entity, at `index` in the entity's column list. */
export function planColumn(
  column: ColumnMetadata,
  index: number,
  dialect: Dialect,
  dataSource: DataSource,
): ColumnPlan {
  const relation =
    column.relationMetadata && !column.relationMetadata.isManyToMany
      ? column.relationMetadata
      : undefined
  const isUuid = column.type === "uuid"
  return {
    index,
    column,
    property: column.isVirtual || column.embeddedMetadata ? undefined : column.propertyName,
    embedded: column.embeddedMetadata !== undefined,
    sqlName: dialect.escape(column.databaseName),
    relation,
    referencedProperty: relation ? column.referencedColumn?.propertyName : undefined,
    isPrimary: column.isPrimary,
    stamp: stampOf(column),
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
    generateUuid: column.isPrimary && (isUuid || column.generationStrategy === "uuid"),
    check: valueCheckOf(column),
    fromRow: undefined,
    ...conversions(column, dialect, dataSource),
    ...(column.isPrimary || relation ? { fromRow: undefined } : {}),
  }
}

// A row's two stamps are one time until it is updated (one flush wrote both), and rows written
// by one flush share it too: the text parsed last is remembered, for every date column alike.
let lastDateText = ""
let lastDateTime = Number.NaN

function readSqliteDate(text: string): Date {
  if (text !== lastDateText) {
    lastDateTime = sqliteTime(text)
    lastDateText = text
  }
  return new Date(lastDateTime)
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
