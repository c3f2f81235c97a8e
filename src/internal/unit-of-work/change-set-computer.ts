import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import { readColumn, writeColumn, type ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { isPersisted, linksOf, snapshotOf } from "./entity-state"
import type { ChangeSet, LinkChange } from "./work"

/**
 * Makes a new entity hold what its row will hold before it is written: a generated id, the
 * stamps, foreign keys in step with related objects, and column defaults for unset properties.
 */
export function prepareInsert(plan: EntityPlan, entity: object, now: Date): void {
  plan.prepareInsert(entity, now.getTime())
}

/**
 * The columns of a tracked entity that differ from its snapshot, or undefined when none do.
 * A change stamps the update-stamp column (unless the caller set it).
 */
export function computeChangeSet(
  plan: EntityPlan,
  entity: object,
  now: Date,
): ChangeSet | undefined {
  const values = snapshotOf(entity)
  const record = entity as Record<string, unknown>
  let changed: ColumnPlan[] | undefined
  let changedValues: unknown[] | undefined
  let stampColumn: ColumnPlan | undefined
  let stampChangedByUser = false
  for (const column of plan.columns) {
    if (column.isPrimary || column === plan.version) continue
    const value = column.relation
      ? currentValue(entity, column, values)
      : readColumn(entity, column)
    const unchanged = values !== undefined && column.unchanged(value, values[column.index])
    if (column.stamp === "update") {
      stampColumn = column
      stampChangedByUser = values !== undefined && !unchanged
      continue
    }
    if (!unchanged && (values !== undefined || value !== undefined)) {
      ;(changed ??= []).push(column)
      ;(changedValues ??= []).push(value)
    }
  }
  if (!changed || !changedValues) return undefined
  if (stampColumn?.property && !stampChangedByUser) {
    record[stampColumn.property] = new Date(now.getTime())
  }
  if (stampColumn) {
    changed.push(stampColumn)
    changedValues.push(readColumn(entity, stampColumn))
  }
  if (!plan.version) return { plan, entity, columns: changed, values: changedValues }
  // The row must still have the version read; the update writes the next one, here too.
  const expectedVersion = values ? values[plan.version.index] : readColumn(entity, plan.version)
  const next = Number(expectedVersion) + 1
  writeColumn(entity, plan.version, next)
  changed.push(plan.version)
  changedValues.push(next)
  return { plan, entity, columns: changed, values: changedValues, expectedVersion }
}

/**
 * The value of a join column: whichever of the foreign-key property and the related object
 * changed since the snapshot; both are then brought in step.
 */
function currentValue(entity: object, column: ColumnPlan, values: unknown[] | undefined): unknown {
  const record = entity as Record<string, unknown>
  if (column.property === undefined) return readColumn(entity, column)
  const own = record[column.property]
  const viaRelation = readColumn(entity, column)
  if (viaRelation === own) return own
  if (!column.unchanged(own, values?.[column.index])) {
    // The foreign key was set by hand: the related object no longer describes the row.
    record[column.relation!.propertyName] = undefined
    return own
  }
  record[column.property] = viaRelation
  return viaRelation
}

/**
 * The link rows to add and remove for each loaded many-to-many array of an entity. A new entity
 * adds all its links; a persisted one whose links were never read replaces them all.
 */
export function computeLinkChanges(plan: EntityPlan, entity: object, out: LinkChange[]): void {
  const persisted = isPersisted(entity)
  const known = persisted ? linksOf(entity) : new Map<RelationMetadata, Set<string>>()
  // As the row holds it: the INSERT wrote the id through toDatabase (a uuid in lower case), and
  // on SQLite a link row naming it otherwise breaks the foreign key.
  const ownColumn = plan.primary[0]!
  const ownId = ownColumn.toDatabase(readColumn(entity, ownColumn))
  for (const link of plan.links) {
    const related = (entity as Record<string, unknown>)[link.relation.propertyName]
    if (!Array.isArray(related)) continue
    const current = plan.linkedIds(link, related)
    const before = known
      ? (known.get(link.relation) ?? (persisted ? undefined : new Set()))
      : undefined
    if (before === undefined) {
      out.push({ link, entity, ownId, add: [...current], remove: [], replace: true, current })
      continue
    }
    const add = [...current].filter((id) => !before.has(id))
    const remove = [...before].filter((id) => !current.has(id))
    if (add.length > 0 || remove.length > 0) {
      out.push({ link, entity, ownId, add, remove, replace: false, current })
    }
  }
}
