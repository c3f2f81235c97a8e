// What a migration may import from this package, ours (under migrations/) and yours alike. The
// built-in migrations import this module and never the package root: the root loads the data
// source, which loads the built-in migrations.
import type { Driver } from "typeorm"
import {
  portableColumnType as portableColumnTypeOf,
  type PortableColumnType,
  type PortableKind,
} from "./internal/portable-types"

export type { PortableColumnType, PortableKind }

/**
 * The column type (and precision) that a `TimestampColumn` (`"timestamp"`) or `LongTextColumn`
 * (`"longtext"`) has on the given driver: `timestamptz` / `DATETIME(3)` / `datetime` and
 * `text` / `LONGTEXT` / `text` on PostgreSQL / MySQL and MariaDB / SQLite. A migration written
 * with the QueryRunner schema API asks for these, so that one file creates on every database the
 * columns the entities expect.
 *
 * @example
 * import { Table, type MigrationInterface, type QueryRunner } from "typeorm"
 * import { portableColumnType } from "concrete-db"
 *
 * export class AddReminder1767225600000 implements MigrationInterface {
 *   async up(queryRunner: QueryRunner): Promise<void> {
 *     const driver = queryRunner.connection.driver
 *     const due = portableColumnType(driver, "timestamp")
 *     await queryRunner.createTable(
 *       new Table({
 *         name: "reminder",
 *         columns: [
 *           { name: "id", type: "varchar", length: "36", isPrimary: true },
 *           { name: "due_at", type: due.type as string, precision: due.precision },
 *           { name: "note", type: portableColumnType(driver, "longtext").type as string },
 *         ],
 *       }),
 *     )
 *   }
 *
 *   async down(queryRunner: QueryRunner): Promise<void> {
 *     await queryRunner.dropTable("reminder")
 *   }
 * }
 */
export function portableColumnType(driver: Driver, kind: PortableKind): PortableColumnType {
  return portableColumnTypeOf(driver, kind)
}

export { isResumableMigration, type ResumableMigration } from "./internal/resumable-migration"
