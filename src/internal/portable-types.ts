import type { ColumnType, DataSource, Driver } from "typeorm"
import { DriverUtils } from "typeorm/driver/DriverUtils"

/**
 * Column kinds whose best type differs per database. Entities declare them with a type every
 * driver accepts (so TypeORM's validation passes), and the data source swaps in the real type
 * right after building metadata; migrations ask `portableColumnType` for the same answer, so the
 * two never disagree.
 */
export type PortableKind = "timestamp" | "longtext"

export interface PortableColumnType {
  readonly type: ColumnType
  readonly precision?: number
}

// Keyed by the class that declares the column (ColumnMetadata.target).
const declared = new Map<object, Map<string, PortableKind>>()

export function registerPortableColumn(
  target: object,
  propertyName: string,
  kind: PortableKind,
): void {
  let properties = declared.get(target)
  if (!properties) {
    properties = new Map()
    declared.set(target, properties)
  }
  properties.set(propertyName, kind)
}

/** The portable kind a column was declared with (`LongTextColumn`: "longtext"), if any. */
export function portableKindOf(target: unknown, propertyName: string): PortableKind | undefined {
  return declared.get(target as object)?.get(propertyName)
}

/** The column type (and precision) a portable kind has on the given driver. */
export function portableColumnType(driver: Driver, kind: PortableKind): PortableColumnType {
  const mysqlFamily = DriverUtils.isMySQLFamily(driver)
  const postgres = driver.options.type === "postgres"
  if (kind === "timestamp") {
    // Milliseconds and a time zone everywhere: timestamptz, DATETIME(3) in UTC, ISO text.
    if (postgres) return { type: "timestamptz" }
    if (mysqlFamily) return { type: "datetime", precision: 3 }
    return { type: "datetime" }
  }
  // MySQL's TEXT stops at 64 KiB; a message may be larger.
  return { type: mysqlFamily ? "longtext" : "text" }
}

const adapted = new WeakSet<DataSource>()

/** Gives every portable column of a built DataSource its driver's type. Idempotent. */
export function adaptPortableColumns(dataSource: DataSource): void {
  if (adapted.has(dataSource)) return
  adapted.add(dataSource)
  const driver = dataSource.driver
  // Without a native uuid type (MySQL, or MariaDB before 10.7) TypeORM stores a uuid as
  // VARCHAR(255) unless it comes from a relation; 36 characters is the size of one.
  const uuidAsVarchar =
    DriverUtils.isMySQLFamily(driver) && driver.normalizeType({ type: "uuid" }) === "varchar"
  for (const metadata of dataSource.entityMetadatas) {
    for (const column of metadata.columns) {
      if (uuidAsVarchar && column.type === "uuid" && !column.length) column.length = "36"
      const kind = declared.get(column.target as object)?.get(column.propertyName)
      if (!kind) continue
      const { type, precision } = portableColumnType(driver, kind)
      column.type = type
      if (precision !== undefined) column.precision = precision
    }
  }
}
