import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata"
import { INTEGER_TYPES } from "./column-types"

// Value checks of integer and date columns (see value-check.ts): what one database would round,
// truncate, wrap or store as text, and another refuse, is refused before anything is sent.

/** The whole numbers an integer column holds on every database, and whether text may stand in. */
export interface IntegerRange {
  readonly min: bigint
  readonly max: bigint
  /** A 64-bit column: TypeORM reads it back as text on the servers, so digits are accepted. */
  readonly text: boolean
}

const INT32: IntegerRange = { min: -(2n ** 31n), max: 2n ** 31n - 1n, text: false }
const INT16: IntegerRange = { min: -(2n ** 15n), max: 2n ** 15n - 1n, text: false }
const INT8: IntegerRange = { min: -128n, max: 127n, text: false }
// 64-bit columns: only what a JavaScript number holds exactly, since SQLite reads a 64-bit
// integer back as a number (digits beyond Number.MAX_SAFE_INTEGER would come back changed).
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const INT64: IntegerRange = { min: -MAX_SAFE, max: MAX_SAFE, text: true }

const RANGES = new Map<unknown, IntegerRange>([
  ...[...INTEGER_TYPES].map((type): [unknown, IntegerRange] => [type, INT32]),
  ["smallint", INT16],
  ["int2", INT16],
  ["tinyint", INT8],
  ["bigint", INT64],
  ["int8", INT64],
  // An untyped `number` property: TypeORM makes it "integer" (PostgreSQL, SQLite) or "int".
  [Number, INT32],
])

const DIGITS = /^-?\d{1,20}$/

/** The range of an integer column, or undefined for another kind of column. */
export function integerRangeOf(column: ColumnMetadata): IntegerRange | undefined {
  const range = RANGES.get(column.type)
  // PostgreSQL has no unsigned types: an unsigned column holds from 0 to the signed maximum.
  return range && column.unsigned ? { ...range, min: 0n } : range
}

/** The check of an integer column of this range. */
export function integerCheck(range: IntegerRange): (value: unknown) => string | undefined {
  const bounds = `from ${range.min} to ${range.max}${range.max === MAX_SAFE ? " (Number.MAX_SAFE_INTEGER)" : ""}`
  return (value) => {
    if (typeof value === "number") {
      const whole = Number.isInteger(value) ? BigInt(value) : undefined
      return whole === undefined || whole < range.min || whole > range.max
        ? `must be a whole number ${bounds} (got ${value})`
        : undefined
    }
    if (typeof value === "string") {
      const whole = DIGITS.test(value) ? BigInt(value) : undefined
      return whole === undefined || whole < range.min || whole > range.max
        ? `must be a whole number ${bounds} (got ${JSON.stringify(value.slice(0, 40))})`
        : undefined
    }
    return refuseBigint(value, range.text ? "a number or a string of digits" : "a number")
  }
}

/** An Invalid Date, or a year outside 1–9999 (MySQL's DATETIME, SQLite's sortable text). */
export function dateCheck(value: unknown): string | undefined {
  if (!(value instanceof Date)) return refuseBigint(value, "a Date")
  const time = value.getTime()
  if (Number.isNaN(time)) return "must be a valid date (got Invalid Date)"
  const year = value.getUTCFullYear()
  return year < 1 || year > 9999
    ? `must be a date from year 1 to 9999 (got ${value.toISOString()})`
    : undefined
}

/**
 * A JavaScript bigint is written as digits but read back as a number or a string: never the
 * value the session keeps.
 */
export function refuseBigint(value: unknown, wanted: string): string | undefined {
  return typeof value === "bigint" ? `must be ${wanted}, not a bigint (got ${value}n)` : undefined
}
