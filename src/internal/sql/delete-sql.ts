import type { EntityPlan } from "../metadata/entity-plan"
import { cachedSql, placeholders } from "./statement-cache"

/** `DELETE FROM t WHERE id IN (…)` for `rowCount` rows (an OR of keys for composite keys). */
export function deleteSql(plan: EntityPlan, rowCount: number): string {
  return cachedSql(plan, `d:${rowCount}`, () => {
    if (plan.primary.length === 1) {
      return `DELETE FROM ${plan.table} WHERE ${plan.primary[0]!.sqlName} IN (${placeholders(plan, rowCount)})`
    }
    let parameter = 0
    const rows = Array.from(
      { length: rowCount },
      () =>
        `(${plan.primary
          .map((column) => `${column.sqlName} = ${plan.dialect.placeholder(++parameter)}`)
          .join(" AND ")})`,
    )
    return `DELETE FROM ${plan.table} WHERE ${rows.join(" OR ")}`
  })
}
