import { Column, type ColumnOptions } from "typeorm"
import { registerPortableColumn } from "../internal/portable-types"

/**
 * A timestamp that keeps milliseconds and its time zone on every database: `timestamptz` on
 * PostgreSQL, `DATETIME(3)` in UTC on MySQL/MariaDB, ISO-8601 text on SQLite.
 *
 * @example
 * @Entity()
 * class Reminder extends MetadataEntity {
 *   @TimestampColumn({ name: "due_at" }) dueAt!: Date
 * }
 */
export function TimestampColumn(options: Omit<ColumnOptions, "type"> = {}): PropertyDecorator {
  return (target, propertyKey) => {
    Column({ ...options, type: Date })(target, propertyKey)
    registerPortableColumn(target.constructor, String(propertyKey), "timestamp")
  }
}
