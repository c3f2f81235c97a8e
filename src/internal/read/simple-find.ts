import type { FindManyOptions } from "typeorm"
import type { ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { findSql, type FindShape } from "../sql/select-sql"
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

/**
 * Compiles the common finds (equality on columns, ordering by columns, take/skip, nothing else)
 * to one cached statement; anything else returns undefined and goes through TypeORM, so results
 * are the same either way.
 */
export function compileSimpleFind(
  plan: EntityPlan,
  options: FindManyOptions | undefined,
): CompiledFind | undefined {
  const opts = (options ?? {}) as Record<string, unknown>
  for (const key of Object.keys(opts)) {
    if (opts[key] === undefined) continue
    if (!SIMPLE_KEYS.has(key)) return undefined
  }
  let relations: RelationTree | undefined
  if (opts.relations !== undefined) {
    relations = relationTree(plan, opts.relations)
    if (!relations) return undefined
  }
  const byProperty = columnsByProperty(plan)
  const params: unknown[] = []
  const where: ColumnPlan[] = []
  const prefixed: ColumnPlan[] = []
  const prefixParams: unknown[] = []
  let keyset: FindShape["keyset"]
  const keysetParams: unknown[] = []
  if (opts.where !== undefined) {
    if (!isRecord(opts.where)) return undefined
    for (const [property, value] of Object.entries(opts.where)) {
      const column = byProperty.get(property)
      if (column && value instanceof KeysetCondition && !keyset) {
        const tie = byProperty.get(value.tie.property)
        if (!tie) return undefined
        keyset = { column, tie, side: value.side }
        const boundary = column.toDatabase(value.boundary)
        keysetParams.push(boundary, boundary, boundary, tie.toDatabase(value.tie.value))
        continue
      }
      if (column && value instanceof PrefixCondition) {
        prefixed.push(column)
        prefixParams.push(value.pattern)
        continue
      }
      if (!column || !isPlainValue(value)) return undefined
      where.push(column)
      params.push(column.toDatabase(value))
    }
  }
  params.push(...prefixParams, ...keysetParams)
  const order: FindShape["order"][number][] = []
  if (opts.order !== undefined) {
    if (!isRecord(opts.order)) return undefined
    for (const [property, direction] of Object.entries(opts.order)) {
      const column = byProperty.get(property)
      const normalized = normalizeDirection(direction)
      if (!column || !normalized) return undefined
      order.push({ column, direction: normalized })
    }
  }
  const { take, skip } = opts
  if (take !== undefined && !(Number.isInteger(take) && (take as number) >= 0)) return undefined
  if (skip !== undefined && !(Number.isInteger(skip) && (skip as number) >= 0)) return undefined
  const sql = findSql(plan, {
    where,
    ...(prefixed.length > 0 ? { prefixed } : {}),
    ...(keyset ? { keyset } : {}),
    order,
    take: take !== undefined,
    skip: skip !== undefined,
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
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
