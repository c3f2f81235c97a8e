import { readColumn, writeColumn } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { linksOf, type Snapshot } from "./entity-state"

/**
 * Puts an entity's columns back to what its snapshot says the database holds. A relation whose
 * foreign key is put back, or a many-to-many array whose links changed, becomes "not loaded".
 */
export function revertToSnapshot(plan: EntityPlan, entity: object, snapshot: Snapshot): void {
  const record = entity as Record<string, unknown>
  for (const column of plan.columns) {
    if (column.property === undefined && !column.embedded) continue
    const value = snapshot[column.index]
    const current =
      column.property === undefined ? readColumn(entity, column) : record[column.property]
    if (!column.unchanged(current, value)) {
      writeColumn(entity, column, column.restore(value))
      if (column.relation) record[column.relation.propertyName] = undefined
    }
  }
  const known = linksOf(entity)
  for (const link of plan.links) {
    const related = record[link.relation.propertyName]
    if (!Array.isArray(related)) continue
    const before = known?.get(link.relation)
    const current = plan.linkedIds(link, related)
    if (!before || before.size !== current.size || [...current].some((id) => !before.has(id))) {
      record[link.relation.propertyName] = undefined
    }
  }
}
