import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata"

/** When the session stamps a column with the flush time: on insert, or on insert and update. */
export type Stamp = "create" | "update"

// Keyed by the class that declares the column (ColumnMetadata.target). A base class registers
// its own columns here (MetadataEntity's createdAt/updatedAt), so the engine never imports it.
const declared = new Map<object, Map<string, Stamp>>()

/** Declares columns of `target` that the session stamps, by property name. */
export function registerStampedColumns(
  target: object,
  stamps: Readonly<Record<string, Stamp>>,
): void {
  let properties = declared.get(target)
  if (!properties) declared.set(target, (properties = new Map<string, Stamp>()))
  for (const [property, stamp] of Object.entries(stamps)) properties.set(property, stamp)
}

/** The stamp of a column: TypeORM's create/update date columns, or a registered column. */
export function stampOf(column: ColumnMetadata): Stamp | undefined {
  if (column.isCreateDate) return "create"
  if (column.isUpdateDate) return "update"
  return declared.get(column.target as object)?.get(column.propertyName)
}
