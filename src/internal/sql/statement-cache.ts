import type { EntityPlan } from "../metadata/entity-plan"

// Bounded: an INSERT exists once per row count in use, a find once per shape.
const MAX_ENTRIES_PER_PLAN = 2_000

/**
 * A cache of values built once per plan and key, bounded per plan (past the bound it starts
 * over): `cached(plan, key, build)` answers what `build()` answered the first time.
 */
export function perPlanCache<T>(): (plan: object, key: string, build: () => T) => T {
  const caches = new WeakMap<object, Map<string, T>>()
  return (plan, key, build) => {
    let cache = caches.get(plan)
    if (!cache) caches.set(plan, (cache = new Map<string, T>()))
    let value = cache.get(key)
    if (value === undefined) {
      value = build()
      if (cache.size > MAX_ENTRIES_PER_PLAN) cache.clear()
      cache.set(key, value)
    }
    return value
  }
}

/**
 * The SQL of a statement of this shape for `plan` (an entity's plan, or a link's: each belongs
 * to one dialect), built once and reused.
 */
export const cachedSql = perPlanCache<string>()

/** `n` placeholders of a dialect, numbered from `first`, joined by commas. */
export function placeholders(plan: Pick<EntityPlan, "dialect">, count: number, first = 1): string {
  const slots = new Array<string>(count)
  for (let i = 0; i < count; i += 1) slots[i] = plan.dialect.placeholder(first + i)
  return slots.join(", ")
}
