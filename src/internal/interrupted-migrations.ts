import type { DataSource, QueryRunner } from "typeorm"
import { MigrationExecutor } from "typeorm/migration/MigrationExecutor"
import { isResumableMigration } from "./resumable-migration"

/**
 * On MySQL-family databases, which migrations started: a row per migration that `migrate()` is
 * about to run and that had nothing of its own in the database then. The table exists only while
 * such a migration is pending (`finishInterruptedMigrations` drops it once empty).
 */
export const PROGRESS_TABLE = "concrete_db_migration_progress"

/**
 * Before the pending migrations run on a MySQL-family database (under the migration lock): a
 * resumable migration recorded as started but not applied was interrupted, so what of it exists
 * is its own and is dropped (`undoInterrupted`), and it runs again from the start. One not
 * recorded yet is recorded, unless something it would create exists already: that is not its
 * own, and the migration itself reports what is in the way.
 */
export async function prepareInterruptedMigrations(dataSource: DataSource): Promise<void> {
  const pending = (await new MigrationExecutor(dataSource).getPendingMigrations()).filter(
    (migration) => isResumableMigration(migration.instance!),
  )
  if (pending.length === 0) return
  await withQueryRunner(dataSource, async (queryRunner) => {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS \`${PROGRESS_TABLE}\` (\`name\` VARCHAR(255) NOT NULL PRIMARY KEY)`,
    )
    const started = new Set(await startedNames(queryRunner))
    for (const migration of pending) {
      const instance = migration.instance!
      if (!isResumableMigration(instance)) continue
      if (started.has(migration.name)) {
        await instance.undoInterrupted(queryRunner)
      } else if ((await instance.leftovers(queryRunner)).length === 0) {
        await queryRunner.query(`INSERT INTO \`${PROGRESS_TABLE}\` (\`name\`) VALUES (?)`, [
          migration.name,
        ])
      }
    }
  })
}

/** After `migrate()`: forgets the applied migrations, and drops the table once nothing is left. */
export async function finishInterruptedMigrations(dataSource: DataSource): Promise<void> {
  await withQueryRunner(dataSource, async (queryRunner) => {
    if (!(await queryRunner.hasTable(PROGRESS_TABLE))) return
    const applied = new Set(
      (await new MigrationExecutor(dataSource, queryRunner).getExecutedMigrations()).map(
        (migration) => migration.name,
      ),
    )
    for (const name of await startedNames(queryRunner)) {
      if (applied.has(name))
        await queryRunner.query(`DELETE FROM \`${PROGRESS_TABLE}\` WHERE \`name\` = ?`, [name])
    }
    if ((await startedNames(queryRunner)).length === 0)
      await queryRunner.query(`DROP TABLE IF EXISTS \`${PROGRESS_TABLE}\``)
  })
}

async function startedNames(queryRunner: QueryRunner): Promise<string[]> {
  const rows = (await queryRunner.query(`SELECT \`name\` FROM \`${PROGRESS_TABLE}\``)) as Array<{
    name: string
  }>
  return rows.map((row) => row.name)
}

async function withQueryRunner<T>(
  dataSource: DataSource,
  work: (queryRunner: QueryRunner) => Promise<T>,
): Promise<T> {
  const queryRunner = dataSource.createQueryRunner("master")
  try {
    return await work(queryRunner)
  } finally {
    await queryRunner.release()
  }
}
