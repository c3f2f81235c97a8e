import { SessionStateError } from "../errors"
import type { UnitOfWork } from "./unit-of-work/unit-of-work"
import type { EntityBatch } from "./unit-of-work/work"
import { isEmptyWork } from "./unit-of-work/work"

// EntityManager methods that write: refused on a readOnly session before anything is sent.
export const MANAGER_WRITES: ReadonlySet<string> = new Set([
  "save",
  "remove",
  "softRemove",
  "recover",
  "insert",
  "update",
  "upsert",
  "delete",
  "softDelete",
  "restore",
  "clear",
  "increment",
  "decrement",
])

// Raw SQL that only reads begins with one of these (comments and parentheses aside). A WITH that
// writes, or anything else that slips through, meets the READ ONLY transaction on the server.
const READING_SQL = /^(select|with|show|explain|values|table)\b/i

/** The error a readOnly session throws instead of writing. */
export function readOnlyRefusal(action: string): SessionStateError {
  return new SessionStateError(
    `Session.${action} was refused: the session is readOnly ({ readOnly: true }, it may read from a replica) and writes nothing; write in a session without readOnly.`,
  )
}

/**
 * A readOnly session's flush: changes made to entities it read are refused (nothing is written).
 * Listeners do not run, since nothing is going to be written.
 */
export async function refuseReadOnlyWork(
  unitOfWork: UnitOfWork,
  inserts: EntityBatch[],
): Promise<void> {
  const work = await unitOfWork.completeWork(inserts, new Date())
  if (isEmptyWork(work)) return
  unitOfWork.abandon(work)
  const first = work.updates[0]?.plan ?? work.inserts[0]?.plan ?? work.deletes[0]?.plan
  const changed = first ? ` (changes to a ${first.metadata.name})` : ""
  throw readOnlyRefusal(`flush${changed}`)
}

/** The refusal of a call of `session.manager.<method>` that would write on a readOnly session. */
export function refuseManagerWrite(
  method: string,
  args: readonly unknown[],
): SessionStateError | undefined {
  if (MANAGER_WRITES.has(method)) return readOnlyRefusal(`manager.${method}`)
  if (method === "query" && !isReadingSql(args[0])) return readOnlyRefusal("manager.query")
  return undefined
}

function isReadingSql(sql: unknown): boolean {
  if (typeof sql !== "string") return false
  const text = sql.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/|\()*/, "")
  return READING_SQL.test(text)
}
