import type { FindManyOptions } from "typeorm"
import type { Dialect } from "./drivers/dialect"
import type { ColumnPlan, EntityPlan } from "./entity-plan"
import { relationTree, type RelationTree } from "./relation-loader"

/** A find the session runs with its own SQL and hydrator instead of TypeORM's. */
export interface CompiledFind {
  readonly sql: string
  readonly params: unknown[]
  /** Relations to load after the rows, one batched query per relation. */
  readonly relations: RelationTree | undefined
}

const SIMPLE_KEYS = new Set(["where", "order", "take", "skip", "relations"])

/**
 * Compiles the common finds (equality on columns, ordering by columns, take/skip, nothing else)
 * to one cached statement; anything else returns undefined and goes through TypeORM, so results
 * are the same either way.
 */
export function compileSimpleFind(
  plan: EntityPlan,
  dialect: Dialect,
  options: FindManyOptions | undefined,
  planOf: (target: unknown) => EntityPlan,
): CompiledFind | undefined {
  const opts = (options ?? {}) as Record<string, unknown>
  for (const key of Object.keys(opts)) {
    if (!SIMPLE_KEYS.has(key) || opts[key] === undefined) {
      if (opts[key] === undefined) continue
      return undefined
    }
  }
  let relations: RelationTree | undefined
  if (opts.relations !== undefined) {
    relations = relationTree(plan, opts.relations, planOf)
    if (!relations) return undefined
  }
  const byProperty = columnsByProperty(plan)
  const params: unknown[] = []
  const whereParts: ColumnPlan[] = []
  const where = opts.where
  if (where !== undefined) {
    if (where === null || typeof where !== "object" || Array.isArray(where)) return undefined
    for (const [property, value] of Object.entries(where as Record<string, unknown>)) {
      const column = byProperty.get(property)
      if (!column || !isPlainValue(value)) return undefined
      whereParts.push(column)
      params.push(column.toDatabase(value))
    }
  }
  const orderParts: string[] = []
  const order = opts.order
  if (order !== undefined) {
    if (order === null || typeof order !== "object" || Array.isArray(order)) return undefined
    for (const [property, direction] of Object.entries(order as Record<string, unknown>)) {
      const column = byProperty.get(property)
      const normalized = normalizeDirection(direction)
      if (!column || !normalized) return undefined
      orderParts.push(`${column.sqlName}:${normalized}`)
    }
  }
  const take = opts.take
  const skip = opts.skip
  if (take !== undefined && !(Number.isInteger(take) && (take as number) >= 0)) return undefined
  if (skip !== undefined && !(Number.isInteger(skip) && (skip as number) >= 0)) return undefined
  const shape = `f:${whereParts.map((column) => column.index).join(",")}|${orderParts.join(",")}|${take !== undefined}|${skip !== undefined}`
  const sql = plan.cached(shape, () => {
    let parameter = 0
    let text = `SELECT ${plan.selectList} FROM ${plan.table}`
    if (whereParts.length > 0) {
      text += ` WHERE ${whereParts.map((column) => `${column.sqlName} = ${dialect.placeholder(++parameter)}`).join(" AND ")}`
    }
    if (orderParts.length > 0) {
      text += ` ORDER BY ${orderParts.map((part) => part.replace(":", " ")).join(", ")}`
    }
    if (take !== undefined) text += ` LIMIT ${dialect.placeholder(++parameter)}`
    else if (skip !== undefined && dialect.kind !== "postgres") {
      text += dialect.kind === "sqlite" ? " LIMIT -1" : " LIMIT 18446744073709551615"
    }
    if (skip !== undefined) text += ` OFFSET ${dialect.placeholder(++parameter)}`
    return text
  })
  if (take !== undefined) params.push(take)
  if (skip !== undefined) params.push(skip)
  return { sql, params, relations }
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
