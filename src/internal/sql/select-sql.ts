import type { ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import type { LinkPlan } from "../metadata/link-plan"
import { cachedSql, placeholders } from "./statement-cache"

/** Every column of the entity, in plan order: rows read come back in this order. */
export function selectList(plan: EntityPlan, alias?: string): string {
  const prefix = alias === undefined ? "" : `${alias}.`
  return plan.columns.map((column) => `${prefix}${column.sqlName}`).join(", ")
}

/** `SELECT <all columns> FROM t WHERE id = ?`. */
export function selectByIdSql(plan: EntityPlan): string {
  return cachedSql(plan, "s:id", () => {
    let parameter = 0
    const where = plan.primary.map(
      (column) => `${column.sqlName} = ${plan.dialect.placeholder(++parameter)}`,
    )
    return `SELECT ${selectList(plan)} FROM ${plan.table} WHERE ${where.join(" AND ")}`
  })
}

/** `SELECT <all columns> FROM t WHERE column IN (…)` for `count` keys, ordered by primary key. */
export function selectInSql(
  plan: EntityPlan,
  column: ColumnPlan,
  count: number,
  orderByPrimary: boolean,
): string {
  return cachedSql(plan, `in:${column.index}:${count}:${orderByPrimary}`, () => {
    const order = orderByPrimary
      ? ` ORDER BY ${plan.primary.map((primary) => primary.sqlName).join(", ")}`
      : ""
    return `SELECT ${selectList(plan)} FROM ${plan.table} WHERE ${column.sqlName} IN (${placeholders(plan, count)})${order}`
  })
}

/**
 * The rows of `target` linked to `count` owners through a many-to-many link table: every column
 * of `target`, then the owner's id.
 */
export function selectLinkedSql(target: EntityPlan, link: LinkPlan, count: number): string {
  return cachedSql(target, `m2m:${link.table}:${link.ownColumn}:${count}`, () => {
    const own = target.dialect.escape(link.ownColumn)
    const other = target.dialect.escape(link.otherColumn)
    const targetKey = target.primary[0]!.sqlName
    return `SELECT ${selectList(target, "t")}, l.${own} FROM ${target.table} t INNER JOIN ${link.table} l ON l.${other} = t.${targetKey} WHERE l.${own} IN (${placeholders(target, count)}) ORDER BY t.${targetKey}`
  })
}

/**
 * The shape of a simple find: equality on columns, a keyset range on two columns, ordering by
 * columns, a limit, an offset.
 */
export interface FindShape {
  readonly where: readonly ColumnPlan[]
  /** Columns compared with a list of `count` values (`IN (?, …)`), after the equalities. */
  readonly listed?: readonly { readonly column: ColumnPlan; readonly count: number }[]
  /** Columns compared with a LIKE pattern (`PrefixCondition`), after the equalities. */
  readonly prefixed?: readonly ColumnPlan[]
  readonly keyset?: {
    readonly column: ColumnPlan
    readonly tie: ColumnPlan
    readonly side: "after" | "before"
  }
  readonly order: readonly { readonly column: ColumnPlan; readonly direction: "ASC" | "DESC" }[]
  /**
   * The LIMIT: none (false), a parameter (true), or a number written into the text (see
   * `Dialect.limitInText`; a whole number from 0 up).
   */
  readonly take: boolean | number
  readonly skip: boolean
}

/**
 * `SELECT … WHERE a = ? AND … [AND l IN (?, …) AND …] [AND p LIKE ? ESCAPE '!' AND …] [AND k >= ? AND (k > ? OR (k = ? AND t > ?))] ORDER BY … LIMIT ?
 * OFFSET ?`; parameters in that order (the LIMIT's only when it is not written in the text).
 */
export function findSql(plan: EntityPlan, shape: FindShape): string {
  const { keyset } = shape
  // One string, no arrays in between.
  let key = "f:"
  for (const column of shape.where) key += `${column.index},`
  if (shape.listed)
    for (const { column, count } of shape.listed) key += `@${column.index}*${count},`
  if (shape.prefixed) for (const column of shape.prefixed) key += `~${column.index},`
  if (keyset) key += `|${keyset.side}:${keyset.column.index}:${keyset.tie.index}`
  key += "|"
  for (const { column, direction } of shape.order) key += `${column.index}:${direction},`
  const { take } = shape
  if (typeof take === "number" && !(Number.isSafeInteger(take) && take >= 0)) {
    throw new TypeError(`a LIMIT in the text must be a whole number from 0 up, not ${take}`)
  }
  key += take === false ? "|" : take === true ? "|take" : `|take=${take}`
  if (shape.skip) key += "|skip"
  return cachedSql(plan, key, () => {
    const { dialect } = plan
    let parameter = 0
    let text = `SELECT ${selectList(plan)} FROM ${plan.table}`
    if (keyset && dialect.kind === "mysql") text += keysetIndexHint(plan, shape.where, keyset)
    const conditions = shape.where.map(
      (column) => `${column.sqlName} = ${dialect.placeholder(++parameter)}`,
    )
    for (const { column, count } of shape.listed ?? []) {
      const slots = Array.from({ length: count }, () => dialect.placeholder(++parameter))
      conditions.push(`${column.sqlName} IN (${slots.join(", ")})`)
    }
    for (const column of shape.prefixed ?? []) {
      conditions.push(`${column.sqlName} LIKE ${dialect.placeholder(++parameter)} ESCAPE '!'`)
    }
    if (keyset) {
      // The redundant `k >= ?` is the index range; the rest drops the boundary's earlier ties.
      const [wide, strict] = keyset.side === "after" ? [">=", ">"] : ["<=", "<"]
      const k = keyset.column.sqlName
      const next = (): string => dialect.placeholder(++parameter)
      conditions.push(
        `${k} ${wide} ${next()} AND (${k} ${strict} ${next()} OR (${k} = ${next()} AND ${keyset.tie.sqlName} ${strict} ${next()}))`,
      )
    }
    if (conditions.length > 0) text += ` WHERE ${conditions.join(" AND ")}`
    if (shape.order.length > 0) {
      const terms = shape.order.map(({ column, direction }) => `${column.sqlName} ${direction}`)
      text += ` ORDER BY ${terms.join(", ")}`
    }
    if (take === true) text += ` LIMIT ${dialect.placeholder(++parameter)}`
    else if (take !== false) text += ` LIMIT ${take}`
    else if (shape.skip) text += dialect.offsetWithoutLimit
    if (shape.skip) text += ` OFFSET ${dialect.placeholder(++parameter)}`
    return text
  })
}

/**
 * ` FORCE INDEX (name)` of an index on (the equality columns…, key, tie), or "". MariaDB
 * otherwise picks the `ref` lookup of the equality columns and walks every row before the
 * boundary (50 ms instead of 5 at a depth of 100,000); forced, it reads the range.
 */
function keysetIndexHint(
  plan: EntityPlan,
  equal: readonly ColumnPlan[],
  keyset: NonNullable<FindShape["keyset"]>,
): string {
  const wanted = new Set(equal.map((column) => column.column.databaseName))
  const index = plan.metadata.indices.find((candidate) => {
    const names = candidate.columns.map((column) => column.databaseName)
    if (names.length < 2) return false
    const head = names.slice(0, -2)
    return (
      names.at(-2) === keyset.column.column.databaseName &&
      names.at(-1) === keyset.tie.column.databaseName &&
      head.every((name) => wanted.has(name))
    )
  })
  return index?.name ? ` FORCE INDEX (${plan.dialect.escape(index.name)})` : ""
}
