import type { EntityMetadata } from "typeorm"
import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { Dialect } from "../drivers/dialect"

/** The link rows of a many-to-many relation, seen from one side. */
export interface LinkPlan {
  readonly relation: RelationMetadata
  readonly junction: EntityMetadata
  /** The escaped junction table. */
  readonly table: string
  /** The junction column holding this side's id, and the one holding the other side's. */
  readonly ownColumn: string
  readonly otherColumn: string
  /** The junction's column order, and where this side and the other side go in it. */
  readonly ownFirst: boolean
  readonly otherMetadata: EntityMetadata
}

/** A table path (`schema.table`) with each part escaped. */
export function escapeTablePath(path: string, dialect: Dialect): string {
  return path
    .split(".")
    .map((part) => dialect.escape(part))
    .join(".")
}

export function planLink(relation: RelationMetadata, dialect: Dialect): LinkPlan {
  const junction = relation.junctionEntityMetadata!
  const ownColumns = relation.isOwning ? junction.ownerColumns : junction.inverseColumns
  const otherColumns = relation.isOwning ? junction.inverseColumns : junction.ownerColumns
  if (ownColumns.length !== 1 || otherColumns.length !== 1) {
    throw new TypeError(
      `${relation.entityMetadata.name}.${relation.propertyName}: many-to-many relations over composite keys are not supported by the session`,
    )
  }
  const ownColumn = ownColumns[0]!.databaseName
  const otherColumn = otherColumns[0]!.databaseName
  const order = junction.columns.map((column) => column.databaseName)
  return {
    relation,
    junction,
    table: escapeTablePath(junction.tablePath, dialect),
    ownColumn,
    otherColumn,
    ownFirst: order.indexOf(ownColumn) < order.indexOf(otherColumn),
    otherMetadata: relation.inverseEntityMetadata,
  }
}
