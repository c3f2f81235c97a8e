import { isUuid } from "../uuid"

/**
 * An id argument as the database stores ids (lower case), or undefined when it is not a UUID
 * and so can match no row. Asking PostgreSQL with a malformed uuid would fail the transaction,
 * and SQLite compares ids as case-sensitive text: lookups go through this first.
 *
 * @example
 * const id = idKey(orchestratorId)
 * if (id === undefined) return null
 */
export function idKey(value: unknown): string | undefined {
  return isUuid(value) ? value.toLowerCase() : undefined
}

/**
 * A text argument that a stored value could equal, or undefined when none could: not a string,
 * or containing the NUL character (which PostgreSQL refuses in a query, failing the transaction,
 * and which the DTOs keep out of the database).
 *
 * @example
 * const email = textKey(input)
 * if (email === undefined) return null
 */
export function textKey(value: unknown): string | undefined {
  return typeof value === "string" && !value.includes("\u0000") ? value : undefined
}
