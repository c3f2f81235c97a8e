import type { EntityPlan } from "../metadata/entity-plan"

const caches = new WeakMap<object, Map<string, string>>()

// Bounded: an INSERT exists once per row count in use, a find once per shape.
const MAX_STATEMENTS_PER_ENTITY = 2_000

/**
 * The SQL of a statement of this shape for `plan` (an entity's plan, or a link's: each belongs
 * to one dialect), built once and reused.
 */
export function cachedSql(plan: object, key: string, build: () => string): string {
  let cache = caches.get(plan)
  if (!cache) caches.set(plan, (cache = new Map<string, string>()))
  let sql = cache.get(key)
  if (sql === undefined) {
    sql = build()
    if (cache.size > MAX_STATEMENTS_PER_ENTITY) cache.clear()
    cache.set(key, sql)
  }
  return sql
}

/** `n` placeholders of a dialect, numbered from `first`, joined by commas. */
export function placeholders(plan: Pick<EntityPlan, "dialect">, count: number, first = 1): string {
  const slots = new Array<string>(count)
  for (let i = 0; i < count; i += 1) slots[i] = plan.dialect.placeholder(first + i)
  return slots.join(", ")
}
