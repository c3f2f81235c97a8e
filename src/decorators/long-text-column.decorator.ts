import { Column, type ColumnOptions } from "typeorm"
import { registerPortableColumn } from "../internal/portable-types"

/**
 * Text without a practical size limit on every database: `text` on PostgreSQL and SQLite,
 * `LONGTEXT` on MySQL/MariaDB (whose `TEXT` stops at 64 KiB).
 *
 * @example
 * @Entity()
 * class Transcript extends MetadataEntity {
 *   @LongTextColumn() body!: string
 * }
 */
export function LongTextColumn(
  options: Omit<ColumnOptions, "type" | "length"> = {},
): PropertyDecorator {
  return (target, propertyKey) => {
    Column({ ...options, type: "text" })(target, propertyKey)
    registerPortableColumn(target.constructor, String(propertyKey), "longtext")
  }
}
