import { ValidationError, type ValidationIssue } from "../errors"

/** Rows a list function returns when no `limit` is given. */
export const DEFAULT_LIMIT = 100

/**
 * Most rows one call of a list function returns. A `limit` above it is refused with a
 * `ValidationError` (never silently shortened): read further pages with `skip`.
 */
export const MAX_LIMIT = 1000

/**
 * Which slice of a list to read: skip `skip` rows (default 0), then return at most `limit`
 * (default 100, at most `MAX_LIMIT`, 1,000). Lists are ordered oldest first, by (createdAt, id).
 */
export interface Pagination {
  readonly skip?: number | undefined
  readonly limit?: number | undefined
}

/** `skip` and `take` for a find, checked. */
export interface Page {
  readonly skip: number
  readonly take: number
}

/**
 * Checks pagination options and applies the defaults.
 *
 * @throws ValidationError naming `Pagination.skip` or `Pagination.limit` when either is not a
 * whole number of at least 0, or `Pagination.limit` when it is above `MAX_LIMIT` (1,000).
 *
 * @example
 * resolvePagination({ skip: 40, limit: 20 }) // { skip: 40, take: 20 }
 * resolvePagination({ limit: 5000 }) // ValidationError: limit must be at most 1000 (MAX_LIMIT) …
 */
export function resolvePagination(options: Pagination = {}): Page {
  const issues: ValidationIssue[] = []
  const skip = wholeNumber(options.skip, 0, "skip", issues)
  const limit = wholeNumber(options.limit, DEFAULT_LIMIT, "limit", issues)
  checkCap(limit, "Pagination.limit", "limit", issues)
  if (issues.length > 0) throw new ValidationError(issues)
  return { skip, take: limit }
}

/**
 * Adds an issue naming `property` when `count` rows are more than one call may return.
 *
 * @example
 * checkCap(n, "getLogs.n", "n", issues)
 */
export function checkCap(
  count: number,
  property: string,
  name: string,
  issues: ValidationIssue[],
): void {
  if (count <= MAX_LIMIT) return
  issues.push({
    property,
    reasons: [
      `${name} must be at most ${MAX_LIMIT} (MAX_LIMIT), not ${count}; read further pages with skip`,
    ],
  })
}

function wholeNumber(
  value: unknown,
  fallback: number,
  name: string,
  issues: ValidationIssue[],
): number {
  if (value === undefined) return fallback
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value
  issues.push({
    property: `Pagination.${name}`,
    reasons: [`${name} must be a whole number of at least 0, not ${describe(value)}`],
  })
  return fallback
}

/** The order of every list: oldest first, ties broken by the (time-ordered) id. */
export const OLDEST_FIRST = { createdAt: "ASC", id: "ASC" } as const

/** The reverse of `OLDEST_FIRST`. */
export const NEWEST_FIRST = { createdAt: "DESC", id: "DESC" } as const

function describe(value: unknown): string {
  if (typeof value === "number") return String(value)
  return value === null ? "null" : `a ${typeof value}`
}
