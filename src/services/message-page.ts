import { Message } from "../entities/message.entity"
import { ValidationError, type ValidationIssue } from "../errors"
import { KeysetCondition, type KeysetSide } from "../internal/read/keyset-condition"
import type { Session } from "../session"
import { idKey, textKey } from "./lookup-keys"
import { decodeMessageCursor, encodeMessageCursor, type MessagePosition } from "./message-cursor"
import { NEWEST_FIRST, OLDEST_FIRST, resolvePagination } from "./pagination"

/** A page of messages, oldest first, and the cursors of the pages on either side. */
export interface MessagePage {
  readonly messages: Message[]
  /** Pass as `after` for the messages that follow; null when there are none. */
  readonly next: string | null
  /** Pass as `before` for the messages that precede; null when there are none. */
  readonly previous: string | null
}

/** What `getMessages` and `getMessagePage` accept (see `GetMessagesOptions`). */
export interface MessagePageOptions {
  readonly prompt?: string | null | undefined
  readonly skip?: number | undefined
  readonly limit?: number | undefined
  readonly after?: string | undefined
  readonly before?: string | undefined
  readonly newest?: boolean | undefined
}

const EMPTY: MessagePage = Object.freeze({ messages: [], next: null, previous: null })

/**
 * Reads one page. With `cursors`, one more row than asked tells whether more lie beyond it and
 * the edges' cursors are made; `getMessages` asks for neither.
 */
export async function readMessagePage(
  s: Session,
  projectId: string,
  options: MessagePageOptions,
  cursors: boolean,
): Promise<MessagePage> {
  const { skip, take } = resolvePagination({ skip: options.skip, limit: options.limit })
  const boundary = resolveBoundary(options)
  const id = idKey(projectId)
  if (take === 0 || id === undefined) return { ...EMPTY, messages: [] }
  let prompt: string | undefined
  if (options.prompt !== undefined && options.prompt !== null) {
    prompt = textKey(options.prompt)
    if (prompt === undefined) return { ...EMPTY, messages: [] }
  }
  const backwards = boundary?.side === "before" || options.newest === true
  const where = {
    projectId: id,
    ...(prompt === undefined ? {} : { prompt }),
    ...(boundary
      ? {
          createdAt: new KeysetCondition(boundary.side, boundary.position.createdAt, {
            property: "id",
            column: "id",
            value: boundary.position.id,
          }),
        }
      : {}),
  }
  const rows = await s.find(Message, {
    where,
    order: backwards ? NEWEST_FIRST : OLDEST_FIRST,
    take: cursors ? take + 1 : take,
    ...(skip > 0 ? { skip } : {}),
  })
  const more = rows.length > take
  if (more) rows.length = take
  if (backwards) rows.reverse()
  if (!cursors || rows.length === 0) return { messages: rows, next: null, previous: null }
  const first = encodeMessageCursor(rows[0]!)
  const last = encodeMessageCursor(rows[rows.length - 1]!)
  // Read backwards: the cursor's own message lies after the page (none after the newest page).
  if (backwards)
    return { messages: rows, next: boundary ? last : null, previous: more ? first : null }
  // Read forwards: rows lie before the page when it started after a cursor or skipped some.
  return { messages: rows, next: more ? last : null, previous: boundary || skip > 0 ? first : null }
}

function resolveBoundary(
  options: MessagePageOptions,
): { side: KeysetSide; position: MessagePosition } | undefined {
  const given = (["after", "before"] as const).filter((side) => options[side] !== undefined)
  const issues: ValidationIssue[] = []
  const starts = [...given, ...(options.newest === true ? ["newest"] : [])]
  if (options.newest !== undefined && typeof options.newest !== "boolean") {
    issues.push({ property: "Pagination.newest", reasons: ["newest must be true or false"] })
  }
  if (starts.length > 1) {
    issues.push({
      property: `Pagination.${starts[1]!}`,
      reasons: [`${starts.join(" and ")} cannot be used together; pass one of them`],
    })
  }
  if (starts.length > 0 && options.skip !== undefined) {
    issues.push({
      property: "Pagination.skip",
      reasons: [`skip cannot be used with ${starts[0]!}, which already says where the page starts`],
    })
  }
  if (issues.length > 0) throw new ValidationError(issues)
  const side = given[0]
  if (side === undefined) return undefined
  return { side, position: decodeMessageCursor(options[side], side) }
}
