import { LogCreate } from "../dto/log.dto"
import { parseDto } from "../dto/parse-dto"
import { Log } from "../entities/log.entity"
import { ValidationError, type ValidationIssue } from "../errors"
import type { Session } from "../session"
import { NEWEST_FIRST, checkCap } from "./pagination"

// Services stage and flush (so ids and constraints are checked); the caller commits.

/**
 * Writes a log line (checked as a `LogCreate`: level of at most 10 characters). Stages and
 * flushes; the caller commits.
 *
 * @throws ValidationError for a bad level or message (nothing is written).
 *
 * @example
 * await writeLog(session, "info", "Project finished")
 * await session.commit()
 */
export async function writeLog(s: Session, level: string, message: string): Promise<Log> {
  const dto = await parseDto(LogCreate, { level, message })
  const log = s.add(Object.assign(new Log(), { level: dto.level, message: dto.message }))
  await s.flush()
  return log
}

/**
 * The newest `n` log lines, returned oldest first, so they read like the tail of a log file.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @throws ValidationError naming `getLogs.n` when `n` is not a whole number of at least 0, or
 * is above `MAX_LIMIT` (1,000).
 *
 * @example
 * for (const line of await getLogs(session, 50)) console.log(line.level, line.message)
 */
export async function getLogs(s: Session, n: number): Promise<Log[]> {
  const issues: ValidationIssue[] = []
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    issues.push({
      property: "getLogs.n",
      reasons: [`n must be a whole number of at least 0, not ${String(n)}`],
    })
  } else checkCap(n, "getLogs.n", "n", issues)
  if (issues.length > 0) throw new ValidationError(issues)
  if (n === 0) return []
  const newest = await s.find(Log, { order: NEWEST_FIRST, take: n })
  return newest.reverse()
}
