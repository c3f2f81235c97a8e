import type { Dialect } from "../drivers/dialect"
import type { LinkPlan } from "../metadata/link-plan"
import { cachedSql } from "./statement-cache"

/**
 * `DELETE FROM link WHERE own = ? [AND other IN (…) | AND other NOT IN (…)]`: unlinks the
 * `idCount` ids given (`keep` false) or every id but those (`keep` true). Parameters: own id, ids.
 */
export function unlinkSql(
  link: LinkPlan,
  dialect: Dialect,
  idCount: number,
  keep: boolean,
): string {
  let parameter = 0
  const next = (): string => dialect.placeholder(++parameter)
  let sql = `DELETE FROM ${link.table} WHERE ${dialect.escape(link.ownColumn)} = ${next()}`
  if (idCount > 0) {
    const slots = Array.from({ length: idCount }, next).join(", ")
    sql += ` AND ${dialect.escape(link.otherColumn)} ${keep ? "NOT IN" : "IN"} (${slots})`
  }
  return sql
}

/**
 * `INSERT INTO link (…) VALUES (?, ?), …` of `rowCount` links that ignores links already there.
 * Parameters go in the junction's column order (see `LinkPlan.ownFirst`).
 */
export function linkSql(link: LinkPlan, dialect: Dialect, rowCount: number): string {
  return cachedSql(link, `l:${rowCount}`, () => buildLinkSql(link, dialect, rowCount))
}

function buildLinkSql(link: LinkPlan, dialect: Dialect, rowCount: number): string {
  let parameter = 0
  const next = (): string => dialect.placeholder(++parameter)
  const own = dialect.escape(link.ownColumn)
  const other = dialect.escape(link.otherColumn)
  const columns = link.ownFirst ? `${own}, ${other}` : `${other}, ${own}`
  const rows = Array.from({ length: rowCount }, () => `(${next()}, ${next()})`).join(", ")
  const primary = link.junction.primaryColumns.map((column) => column.databaseName)
  return `INSERT INTO ${link.table} (${columns}) VALUES ${rows}${dialect.ignoreDuplicateSuffix(primary)}`
}
