import type { ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { cachedSql } from "./statement-cache"

/**
 * `INSERT INTO t (…) VALUES (…), (…)` for `rowCount` rows of the given columns; `key` names the
 * column subset (see `EntityPlan.columnsWithout`).
 */
export function insertSql(
  plan: EntityPlan,
  columns: readonly ColumnPlan[],
  rowCount: number,
  key: string,
): string {
  return cachedSql(plan, `i:${key}:${rowCount}`, () => {
    const names = columns.map((column) => column.sqlName).join(", ")
    const rows: string[] = []
    let parameter = 0
    for (let row = 0; row < rowCount; row += 1) {
      const slots = columns.map(() => plan.dialect.placeholder(++parameter))
      rows.push(`(${slots.join(", ")})`)
    }
    return `INSERT INTO ${plan.table} (${names}) VALUES ${rows.join(", ")}`
  })
}
