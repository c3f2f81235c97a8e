import { ValidationError } from "../errors"
import { isUuid } from "../uuid"

/** A position in a project's (createdAt, id) order: the message a page starts after or before. */
export interface MessagePosition {
  readonly createdAt: Date
  readonly id: string
}

// A cursor is base64url of `["m1", "<createdAt as ISO-8601 with milliseconds>", "<id>"]`.
// Milliseconds are exact on every database the session writes (SQLite text, DATETIME(3),
// timestamptz), so a decoded position names the row it was made from, ties included.
const VERSION = "m1"
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const BASE64URL = /^[A-Za-z0-9_-]+$/
const LONGEST = 200

/**
 * The opaque cursor of a message's position, as `getMessagePage` returns in `next`/`previous`.
 *
 * @example
 * const cursor = encodeMessageCursor(lastMessage) // "WyJtMSIsIjIwMjYtMTEtMjlUMDU6NTU6NTku…"
 */
export function encodeMessageCursor(position: MessagePosition): string {
  const payload = JSON.stringify([VERSION, position.createdAt.toISOString(), position.id])
  return Buffer.from(payload, "utf8").toString("base64url")
}

/**
 * The position a cursor names. `option` is the option it came in (`after`, `before`), named in
 * the error.
 *
 * @throws ValidationError naming `Pagination.<option>` when the text is not a cursor this package
 * made: not base64url, another shape, an impossible time or id (a cursor edited by hand).
 */
export function decodeMessageCursor(cursor: unknown, option: string): MessagePosition {
  const position = typeof cursor === "string" ? parse(cursor) : undefined
  if (position) return position
  const shown =
    typeof cursor === "string"
      ? JSON.stringify(cursor.length > 40 ? `${cursor.slice(0, 40)}…` : cursor)
      : cursor === null
        ? "null"
        : `a ${typeof cursor}`
  throw new ValidationError([
    {
      property: `Pagination.${option}`,
      reasons: [
        `${option} must be a cursor returned as next or previous by getMessagePage, not ${shown}`,
      ],
    },
  ])
}

function parse(cursor: string): MessagePosition | undefined {
  if (cursor.length === 0 || cursor.length > LONGEST || !BASE64URL.test(cursor)) return undefined
  const bytes = Buffer.from(cursor, "base64url")
  // Only the canonical spelling: a changed padding bit decodes to the same bytes.
  if (bytes.toString("base64url") !== cursor) return undefined
  let value: unknown
  try {
    value = JSON.parse(bytes.toString("utf8"))
  } catch {
    return undefined
  }
  if (!Array.isArray(value) || value.length !== 3 || value[0] !== VERSION) return undefined
  const [, time, id] = value as unknown[]
  if (typeof time !== "string" || !ISO_MS.test(time) || !isUuid(id)) return undefined
  const createdAt = new Date(time)
  // Rejects dates that do not exist (February 30th) and are not the canonical text.
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== time) return undefined
  return { createdAt, id: id.toLowerCase() }
}
