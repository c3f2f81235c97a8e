// What a migration may import from this package, ours (under migrations/) and yours alike. The
// built-in migrations import this module and never the package root: the root loads the data
// source, which loads the built-in migrations.
import type { Driver, MigrationInterface, QueryRunner } from "typeorm"
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

/**
 * A migration that `migrate()` can take back when a crash or an error interrupted it on a
 * MySQL-family database, whose DDL is not transactional (the statements that ran stay). Before
 * such a migration first runs there, `migrate()` records that it started, provided none of what
 * it creates exists yet; the next `migrate()` that finds it recorded but not applied calls
 * `undoInterrupted`, then runs it again. Both methods touch only what the migration creates.
 *
 * @example
 * export class AddReminder1767225600000 implements ResumableMigration {
 *   async up(queryRunner: QueryRunner) { await queryRunner.createTable(reminderTable) }
 *   async down(queryRunner: QueryRunner) { await queryRunner.dropTable("reminder") }
 *   async leftovers(queryRunner: QueryRunner) {
 *     return (await queryRunner.hasTable("reminder")) ? ["reminder"] : []
 *   }
 *   async undoInterrupted(queryRunner: QueryRunner) { await queryRunner.dropTable("reminder", true) }
 * }
 */
export interface ResumableMigration extends MigrationInterface {
  /** The names of what this migration creates that exist now: none before it first runs. */
  leftovers(queryRunner: QueryRunner): Promise<string[]>
  /** Drops whatever part of what `up` creates exists now, and nothing else. */
  undoInterrupted(queryRunner: QueryRunner): Promise<void>
}

/** Whether `migration` can be taken back after an interrupted run (see `ResumableMigration`). */
export function isResumableMigration(
  migration: MigrationInterface,
): migration is ResumableMigration {
  const candidate = migration as Partial<ResumableMigration>
  return (
    typeof candidate.leftovers === "function" && typeof candidate.undoInterrupted === "function"
  )
}
