import type { MigrationInterface, QueryRunner } from "typeorm"
import { describeTarget } from "../data-source-options"
import { migrate } from "../migrate"
import type { Command } from "./command"
import { migrationName } from "./migration-state"
import { withDatabase } from "./open-database"
import { plural } from "./plural"

/**
 * `concrete-db migrate`: applies the pending migrations with `migrate()` (under its
 * database-wide lock), naming each one as it runs.
 *
 * @example
 * // concrete-db migrate
 * // Database: sqlite:/srv/app/sql_app.db
 * // Applying InitialSchema1764230400000 … done (41 ms)
 * // Applied 1 migration.
 */
export const migrateCommand: Command = {
  name: "migrate",
  summary: "Apply pending migrations, naming each as it runs",
  description: [
    "Applies the migrations the database has not applied yet, concrete-db's own and the",
    "application's (DB_MIGRATIONS), in timestamp order, under a",
    "database-wide lock (another process migrating at the same time waits, then finds nothing",
    "to do). On SQLite they run in one transaction; elsewhere each in its own.",
  ].join("\n"),
  args: [],
  options: {},
  async run({ io }) {
    await withDatabase(io, { require: "any" }, async (dataSource) => {
      io.stdout(`Database: ${describeTarget(dataSource.options)}\n`)
      for (const migration of dataSource.migrations) {
        announce(migration, (text) => io.stdout(text))
      }
      const ran = await migrate(dataSource)
      io.stdout(
        ran.length === 0
          ? "No pending migrations: the schema is up to date.\n"
          : `Applied ${plural(ran.length, "migration")}.\n`,
      )
    })
  },
}

// Makes `migration.up` say when it starts and ends.
function announce(migration: MigrationInterface, write: (text: string) => void): void {
  const up = migration.up.bind(migration)
  const name = migrationName(migration)
  migration.up = async (queryRunner: QueryRunner): Promise<void> => {
    write(`Applying ${name} … `)
    const started = performance.now()
    try {
      await up(queryRunner)
    } catch (error) {
      write("failed\n")
      throw error
    }
    write(`done (${Math.round(performance.now() - started)} ms)\n`)
  }
}
