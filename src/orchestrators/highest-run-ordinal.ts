import { Project } from "../entities/project.entity"
import { dialectOf } from "../internal/drivers/dialect"
import { prefixPattern } from "../internal/read/prefix-condition"
import type { Session } from "../session"

/** Names read per query while looking for the highest ordinal (more only past odd names). */
const PAGE = 20

// An ordinal as runProjectName writes it: no leading zero, at most 9 digits.
const ORDINAL = /^[1-9][0-9]{0,8}$/

/**
 * The highest `n` among the orchestrator's projects named `"<base> #<n>"`, or 0, reading a page
 * of names or two however many runs there were.
 *
 * The names are read in the order of their ordinals: by the length of what follows the prefix,
 * then by that text (digits of one length sort as their numbers do), so the first one that is an
 * ordinal is the highest. What follows the prefix is cut at the prefix's length in characters,
 * which is where LIKE, matching one character per character, ended it. Names that start with the
 * prefix but go on with something else (another prompt's `"<base> #x #1"`, a name of the user's)
 * are skipped.
 *
 * What shrinks is what is sent and hydrated: the database still reads and sorts every name with
 * the prefix, since no index holds the ordinals (one would need a column of its own).
 */
export async function highestRunOrdinal(
  s: Session,
  base: string,
  orchestratorId: string,
): Promise<number> {
  const prefix = `${base} #`
  const dataSource = await s.getDataSource()
  const dialect = dialectOf(dataSource)
  const metadata = dataSource.getMetadata(Project)
  const column = (property: string) =>
    dialect.escape(metadata.findColumnWithPropertyName(property)!.databaseName)
  const name = column("name")
  // Characters counted as code points, as every one of the databases counts them.
  const rest = `SUBSTR(${name}, ${[...prefix].length + 1})`
  const sql =
    `SELECT ${rest} AS ${dialect.escape("rest")} FROM ${dialect.escape(metadata.tableName)}` +
    ` WHERE ${column("orchestratorId")} = ${dialect.placeholder(1)}` +
    ` AND ${name} LIKE ${dialect.placeholder(2)} ESCAPE '!'` +
    ` ORDER BY LENGTH(${rest}) DESC, ${rest} DESC LIMIT ${PAGE}`
  const params = [orchestratorId, prefixPattern(prefix)]
  for (let skipped = 0; ; skipped += PAGE) {
    const rows = await s.manager.query<{ rest: string }[]>(
      skipped === 0 ? sql : `${sql} OFFSET ${skipped}`,
      params,
    )
    const ordinal = rows.find((row) => ORDINAL.test(row.rest))
    if (ordinal) return Number(ordinal.rest)
    if (rows.length < PAGE) return 0
  }
}
