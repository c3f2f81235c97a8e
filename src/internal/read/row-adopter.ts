import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { EntityPlan } from "../metadata/entity-plan"

/**
 * Where rows read become entities: the session's identity map (the unit of work implements it).
 * Readers hand every row to it, so a row the session already tracks comes back as that instance.
 */
export interface RowAdopter {
  /**
   * The instance for a row just read: the tracked one with its identity, or a new tracked one
   * whose snapshot the row becomes (its primary-key and join-column values stay as read).
   */
  adoptRow(plan: EntityPlan, row: unknown[]): object
  /** Entities TypeORM loaded (with relations), each replaced by the tracked one of its identity. */
  adoptLoaded<T>(loaded: T): T
  /** The links of a many-to-many relation were just read: they are what the database holds. */
  linksLoaded(entity: object, relation: RelationMetadata, related: readonly object[]): void
}
