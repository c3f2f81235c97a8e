import { FindOperator, type FindManyOptions } from "typeorm"
import type { ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { findSql, type FindShape } from "../sql/select-sql"
import { perPlanCache } from "../sql/statement-cache"
import { KeysetCondition } from "./keyset-condition"
import { PrefixCondition } from "./prefix-condition"
import { relationTree, type RelationTree } from "./relation-tree"

/** A find the session runs with its own SQL and hydrator instead of TypeORM's. */
export interface CompiledFind {
  readonly sql: string
  readonly params: unknown[]
  /** Relations to load after the rows, one batched query per relation. */
  readonly relations: RelationTree | undefined
}

const SIMPLE_KEYS = new Set(["where", "order", "take", "skip", "relations"])

const NO_OPTIONS: Record<string, unknown> = {}

// The most values of an `In` compiled to `IN (?, …)`: each count is a statement of its own, so
// longer lists (rare in a lookup) go through TypeORM rather than fill the statement caches.
const MAX_LISTED = 16

/**
 * What the options of one shape compile to; only the values differ between finds of a shape.
 * `at` is the position of the value among the where's values.
 */
interface CompiledShape {
  readonly sql: string
  readonly equal: readonly { readonly at: number; readonly column: ColumnPlan }[]
  readonly listed: readonly { readonly at: number; readonly column: ColumnPlan }[]
  readonly prefixed: readonly number[]
  readonly keyset:
    { readonly at: number; readonly column: ColumnPlan; readonly tie: ColumnPlan } | undefined
}

// Per entity: the shape of a find (its where's properties and kinds of value, its order, whether
// it takes or skips) to what it compiles to, or null when TypeORM runs it. The shape is read on
// every find; what it compiles to is worked out once.
const cachedShape = perPlanCache<CompiledShape | null>()

/**
 * Compiles the common finds (equality on columns, ordering by columns, take/skip, nothing else)
 * to one cached statement; anything else returns undefined and goes through TypeORM, so results
 * are the same either way.
 */
export function compileSimpleFind(
  plan: EntityPlan,
  options: FindManyOptions | undefined,
): CompiledFind | undefined {
  const opts = (options ?? NO_OPTIONS) as Record<string, unknown>
  for (const key of Object.keys(opts)) {
    if (opts[key] !== undefined && !SIMPLE_KEYS.has(key)) return undefined
  }
  let relations: RelationTree | undefined
  if (opts.relations !== undefined) {
    relations = relationTree(plan, opts.relations)
    if (!relations) return undefined
  }
  const { where, order, take, skip } = opts
  if (take !== undefined && !(Number.isSafeInteger(take) && (take as number) >= 0)) return undefined
  if (skip !== undefined && !(Number.isInteger(skip) && (skip as number) >= 0)) return undefined
  // A LIMIT written into the SQL (SQLite, see Dialect.limitInText) makes each take a shape.
  const takeInText = take !== undefined && plan.dialect.limitInText
  // The shape as a key: names are length-prefixed, so no two shapes share one.
  let key = take === undefined ? "" : takeInText ? `t${take as number}` : "t"
  if (skip !== undefined) key += "s"
  const values: unknown[] = []
  if (where !== undefined) {
    if (!isRecord(where)) return undefined
    for (const property of Object.keys(where)) {
      const value = where[property]
      key += `|${property.length}:${property}`
      if (value instanceof KeysetCondition) {
        key += `>${value.side}:${value.tie.property.length}:${value.tie.property}`
      } else if (value instanceof PrefixCondition) {
        key += "~"
      } else if (isPlainList(value)) {
        key += `@${value.value.length}`
      } else if (isPlainValue(value)) {
        key += "="
      } else {
        return undefined
      }
      values.push(value)
    }
  }
  if (order !== undefined) {
    if (!isRecord(order)) return undefined
    key += "#"
    for (const property of Object.keys(order)) {
      const direction = order[property]
      if (typeof direction === "string") {
        key += `|${property.length}:${property}'${direction.length}:${direction}`
      } else if (typeof direction === "number") {
        key += `|${property.length}:${property}#${direction}`
      } else {
        return undefined
      }
    }
  }
  const shape = cachedShape(plan, key, () => compileShape(plan, opts, takeInText))
  if (!shape) return undefined
  const params: unknown[] = []
  for (const { at, column } of shape.equal) params.push(column.toDatabase(values[at]))
  for (const { at, column } of shape.listed) {
    for (const item of (values[at] as FindOperator<unknown[]>).value) {
      params.push(column.toDatabase(item))
    }
  }
  for (const at of shape.prefixed) params.push((values[at] as PrefixCondition).pattern)
  if (shape.keyset) {
    const { at, column, tie } = shape.keyset
    const condition = values[at] as KeysetCondition
    const boundary = column.toDatabase(condition.boundary)
    params.push(boundary, boundary, boundary, tie.toDatabase(condition.tie.value))
  }
  if (take !== undefined && !takeInText) params.push(take)
  if (skip !== undefined) params.push(skip)
  return { sql: shape.sql, params, relations }
}

// What options of this shape compile to: uses nothing of them but what their key holds.
function compileShape(
  plan: EntityPlan,
  opts: Record<string, unknown>,
  takeInText: boolean,
): CompiledShape | null {
  const byProperty = columnsByProperty(plan)
  const equal: { at: number; column: ColumnPlan }[] = []
  const listed: { at: number; column: ColumnPlan; count: number }[] = []
  const prefixed: { at: number; column: ColumnPlan }[] = []
  let keyset: (NonNullable<CompiledShape["keyset"]> & { side: KeysetCondition["side"] }) | undefined
  let at = 0
  for (const [property, value] of Object.entries(opts.where ?? {})) {
    const column = byProperty.get(property)
    if (!column) return null
    if (value instanceof KeysetCondition) {
      const tie = byProperty.get(value.tie.property)
      if (keyset || !tie) return null
      keyset = { at, column, tie, side: value.side }
    } else if (value instanceof PrefixCondition) {
      prefixed.push({ at, column })
    } else if (value instanceof FindOperator) {
      listed.push({ at, column, count: (value.value as unknown[]).length })
    } else {
      equal.push({ at, column })
    }
    at += 1
  }
  const order: FindShape["order"][number][] = []
  for (const [property, direction] of Object.entries(opts.order ?? {})) {
    const column = byProperty.get(property)
    const normalized = normalizeDirection(direction)
    if (!column || !normalized) return null
    order.push({ column, direction: normalized })
  }
  const sql = findSql(plan, {
    where: equal.map((entry) => entry.column),
    ...(listed.length > 0 ? { listed } : {}),
    ...(prefixed.length > 0 ? { prefixed: prefixed.map((entry) => entry.column) } : {}),
    ...(keyset ? { keyset } : {}),
    order,
    take: takeInText ? (opts.take as number) : opts.take !== undefined,
    skip: opts.skip !== undefined,
  })
  return {
    sql,
    equal,
    listed,
    prefixed: prefixed.map((entry) => entry.at),
    keyset: keyset && { at: keyset.at, column: keyset.column, tie: keyset.tie },
  }
}

const propertyMaps = new WeakMap<EntityPlan, Map<string, ColumnPlan>>()

function columnsByProperty(plan: EntityPlan): Map<string, ColumnPlan> {
  let map = propertyMaps.get(plan)
  if (!map) {
    map = new Map()
    for (const column of plan.columns) if (column.property) map.set(column.property, column)
    propertyMaps.set(plan, map)
  }
  return map
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
}

// TypeORM's `In([…])` of 1 to MAX_LISTED plain values. An empty list, or one holding null (never
// equal to anything), stays with TypeORM, whose SQL for them differs by database.
function isPlainList(value: unknown): value is FindOperator<unknown[]> {
  if (!(value instanceof FindOperator) || value.type !== "in") return false
  const list: unknown = value.value
  return (
    Array.isArray(list) &&
    list.length > 0 &&
    list.length <= MAX_LISTED &&
    list.every((item) => isPlainValue(item))
  )
}

function isPlainValue(value: unknown): boolean {
  return (
    typeof value === "string" ||
    (typeof value === "number" && Number.isFinite(value)) ||
    value instanceof Date
  )
}

function normalizeDirection(direction: unknown): "ASC" | "DESC" | undefined {
  if (direction === 1) return "ASC"
  if (direction === -1) return "DESC"
  if (typeof direction !== "string") return undefined
  const upper = direction.toUpperCase()
  return upper === "ASC" || upper === "DESC" ? upper : undefined
}
