import type { MigrationInterface, QueryRunner } from "typeorm"

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
