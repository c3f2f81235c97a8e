import type { ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { cachedSql } from "./statement-cache"

/**
 * `UPDATE t SET a = ?, b = ? WHERE id = ?` for the changed columns that `key` names (and
 * `AND version = ?` for an entity with a `@VersionColumn`).
 */
export function updateSql(plan: EntityPlan, columns: readonly ColumnPlan[], key: string): string {
  return cachedSql(plan, `u:${key}`, () => {
    let parameter = 0
    const sets = columns.map(
      (column) => `${column.sqlName} = ${plan.dialect.placeholder(++parameter)}`,
    )
    const where = plan.primary.map(
      (column) => `${column.sqlName} = ${plan.dialect.placeholder(++parameter)}`,
    )
    // A versioned row is updated only while it has the version this session read.
    if (plan.version) {
      where.push(`${plan.version.sqlName} = ${plan.dialect.placeholder(++parameter)}`)
    }
    return `UPDATE ${plan.table} SET ${sets.join(", ")} WHERE ${where.join(" AND ")}`
  })
}
