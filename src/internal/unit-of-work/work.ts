import type { ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import type { LinkPlan } from "../metadata/link-plan"

/** Entities of one kind to insert or delete together, in the order they go. */
export interface EntityBatch {
  readonly plan: EntityPlan
  readonly entities: object[]
}

/** The changed columns of one tracked entity: one UPDATE. */
export interface ChangeSet {
  readonly plan: EntityPlan
  readonly entity: object
  readonly columns: ColumnPlan[]
  readonly values: unknown[]
  /** With a `@VersionColumn`: the version the row must still have (the update increments it). */
  readonly expectedVersion?: unknown
}

/** Links of one entity's many-to-many relation to add and remove. */
export interface LinkChange {
  readonly link: LinkPlan
  readonly entity: object
  /** The entity's id as the database holds it. */
  readonly ownId: unknown
  readonly add: unknown[]
  /** Ids to unlink; with `replace`, unlink everything not in `add` instead. */
  readonly remove: unknown[]
  readonly replace: boolean
  /** The linked ids after the change. */
  readonly current: Set<string>
}

/** Everything one flush writes, in this order: inserts, updates, links, deletes. */
export interface Work {
  readonly inserts: EntityBatch[]
  readonly updates: ChangeSet[]
  readonly links: LinkChange[]
  readonly deletes: EntityBatch[]
}

export function isEmptyWork(work: Work): boolean {
  return (
    work.inserts.length === 0 &&
    work.updates.length === 0 &&
    work.links.length === 0 &&
    work.deletes.length === 0
  )
}
