import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata"
import { portableKindOf } from "../portable-types"
import { FLOAT_TYPES, TEXT_TYPES } from "./column-types"
import { dateCheck, integerCheck, integerRangeOf, refuseBigint } from "./number-and-date-checks"

/**
 * What is wrong with a value a column cannot store exactly on every database, or undefined when
 * it can. Built once per column (see `valueCheckOf`); the wording is the DTO validators' own.
 */
export type ValueCheck = (value: unknown) => string | undefined

// Text a value check applies to: text columns and enums stored as text.
const CHECKED_TEXT_TYPES = new Set<unknown>([...TEXT_TYPES, "simple-enum"])

const VARCHAR_TYPES = new Set<unknown>(["varchar", "character varying", "nvarchar", String])

// Numbers where NaN and the infinities can reach a column. An untyped `number` property
// (`Number`) is an integer column on every database (TypeORM's "integer" / "int").
const CHECKED_NUMBER_TYPES = new Set<unknown>(
  [...FLOAT_TYPES, "decimal", "numeric"].filter((type) => type !== Number),
)

// Dates: an Invalid Date, or a year no database stores the same way, can reach these.
const CHECKED_DATE_TYPES = new Set<unknown>([
  Date,
  "date",
  "datetime",
  "timestamp",
  "timestamptz",
  "timestamp with time zone",
  "timestamp without time zone",
])

// Columns whose name says they hold a secret: their values never appear in a message.
const SECRET_COLUMN = /pass|secret|token|api_?key|credential/i

/**
 * The check of one column: text that PostgreSQL refuses (NUL) or every driver alters (an unpaired
 * surrogate), text longer than the column's `length` in code points, as the servers count, or
 * than MySQL's TEXT types hold in bytes;
 * `NaN` and the infinities in a float column; in an integer column anything but a whole number
 * in the range every database stores (and, beyond `Number.MAX_SAFE_INTEGER`, exactly); an
 * Invalid Date or a year outside 1–9999 in a date column; a JavaScript `bigint` anywhere (it
 * comes back as a number or a string). Undefined for a column that needs none (uuids, JSON),
 * so ordinary values cost little.
 */
export function valueCheckOf(column: ColumnMetadata): ValueCheck | undefined {
  if (column.transformer || column.isArray) return undefined
  const secret = SECRET_COLUMN.test(column.databaseName) || SECRET_COLUMN.test(column.propertyName)
  if (CHECKED_TEXT_TYPES.has(column.type)) {
    // A varchar declared without a length is varchar(255) on MySQL/MariaDB (TypeORM's default).
    const length = column.length
      ? Number(column.length)
      : VARCHAR_TYPES.has(column.type)
        ? 255
        : undefined
    return textCheck(
      length !== undefined && Number.isInteger(length) ? length : undefined,
      maxBytesOf(column),
      secret,
    )
  }
  if (CHECKED_NUMBER_TYPES.has(column.type)) {
    return (value) =>
      typeof value === "number"
        ? Number.isFinite(value)
          ? undefined
          : `must be a finite number (got ${String(value)})`
        : refuseBigint(value, "a number")
  }
  const range = integerRangeOf(column)
  if (range) return integerCheck(range)
  if (CHECKED_DATE_TYPES.has(column.type)) return dateCheck
  return undefined
}

// MySQL/MariaDB's TEXT types hold this many bytes (the other databases' text has no limit): one
// answer everywhere. A `LongTextColumn` is LONGTEXT there (its row must fit the server's packet).
const TEXT_BYTES: Record<string, number> = {
  tinytext: 255,
  text: 65_535,
  mediumtext: 16_777_215,
}

function maxBytesOf(column: ColumnMetadata): number | undefined {
  if (typeof column.type !== "string") return undefined
  if (column.type === "text" && portableKindOf(column.target, column.propertyName) === "longtext") {
    return undefined
  }
  return TEXT_BYTES[column.type]
}

function textCheck(
  max: number | undefined,
  maxBytes: number | undefined,
  secret: boolean,
): ValueCheck {
  return (value) => {
    if (typeof value !== "string") return refuseBigint(value, "a string")
    // Native scans: a few nanoseconds for an ordinary value.
    if (value.includes("\u0000") || !isWellFormed(value)) {
      return `must not contain the NUL character (\\u0000) or an unpaired surrogate (got ${shown(value, secret)})`
    }
    if (max !== undefined && !fitsCodePoints(value, max)) {
      return `must be shorter than or equal to ${max} characters (got ${codePointCount(value)} characters: ${shown(value, secret)})`
    }
    // A UTF-16 code unit is at most 3 bytes in UTF-8.
    if (maxBytes !== undefined && value.length * 3 > maxBytes) {
      const bytes = Buffer.byteLength(value, "utf8")
      if (bytes > maxBytes) {
        return `must be at most ${maxBytes} bytes in UTF-8 (got ${bytes} bytes: ${shown(value, secret)})`
      }
    }
    return undefined
  }
}

// String.prototype.isWellFormed (Node 20) is not in the ES2023 library this package compiles with.
function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed()
}

function fitsCodePoints(value: string, max: number): boolean {
  // A code point is one or two UTF-16 code units.
  if (value.length <= max) return true
  if (value.length > max * 2) return false
  return codePointCount(value) <= max
}

function codePointCount(value: string): number {
  let count = 0
  for (const _ of value) count += 1
  return count
}

const SHOWN = 40

/** A value as an error may show it: JSON-escaped (a lone surrogate stays visible), shortened. */
export function shown(value: string, secret: boolean): string {
  if (secret) return '"***"'
  const head = value.length > SHOWN ? value.slice(0, SHOWN) : value
  const escaped = JSON.stringify(head)
  return value.length > SHOWN ? `${escaped.slice(0, -1)}…" (${value.length} UTF-16 units)` : escaped
}
