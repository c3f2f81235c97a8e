import type { DataSource, MigrationInterface } from "typeorm"
import { describeTarget } from "../data-source-options"
import { withMigrationLock } from "../migrate"
import { translateError } from "../internal/errors/translate-error"
import { CliError } from "./cli-error"
import type { Command } from "./command"
import { migrationName, packageMigrationNames } from "./migration-state"
import { withDatabase } from "./open-database"

/**
 * `concrete-db migration:revert`: undoes the application's most recently applied migration (its
 * `down`, then its row in the migrations table), under the lock `migrate` takes. concrete-db's own
 * migrations are never reverted.
 *
 * @example
 * // concrete-db migration:revert
 * // Database: sqlite:/srv/app/sql_app.db
 * // Reverting AddReminder1764300000000 … done (12 ms)
 */
export const migrationRevertCommand: Command = {
  name: "migration:revert",
  summary: "Undo the application's last applied migration (never concrete-db's own)",
  description: [
    "Undoes the application's migration (DB_MIGRATIONS) that was applied last: runs its down",
    "and removes it from the migrations table, in one transaction where the database allows,",
    "under the lock migrate takes. concrete-db's own migrations are never reverted.",
  ].join("\n"),
  args: [],
  options: {},
  async run({ io }) {
    await withDatabase(io, { require: "any" }, async (dataSource) => {
      io.stdout(`Database: ${describeTarget(dataSource.options)}\n`)
      const reverted = await revertLastApplicationMigration(dataSource, (text) => io.stdout(text))
      if (reverted === undefined) {
        io.stdout("No migration of the application is applied: nothing to revert.\n")
      }
    })
  },
}

/**
 * Reverts the application's last applied migration of an initialized data source and returns
 * its name, or undefined when none is applied.
 *
 * @throws CliError when the migration applied last is not among the data source's migrations.
 */
export async function revertLastApplicationMigration(
  dataSource: DataSource,
  write: (text: string) => void = () => undefined,
): Promise<string | undefined> {
  const own = packageMigrationNames()
  const table = dataSource.options.migrationsTableName ?? "migrations"
  const escape = (name: string): string => dataSource.driver.escape(name)
  const sqlite = dataSource.options.type === "better-sqlite3"
  try {
    return await withMigrationLock(dataSource, {}, async () => {
      const runner = dataSource.createQueryRunner("master")
      try {
        if (!(await runner.hasTable(table))) return undefined
        const rows = (await runner.query(
          `SELECT ${escape("name")} AS name FROM ${escape(table)} ORDER BY ${escape("id")} DESC`,
        )) as { name: string }[]
        const last = rows.map((row) => String(row.name)).find((name) => !own.has(name))
        if (last === undefined) return undefined
        const migration = dataSource.migrations.find(
          (candidate: MigrationInterface) => migrationName(candidate) === last,
        )
        if (!migration) {
          throw new CliError(
            `the application's last applied migration ${last} is not among the migrations DB_MIGRATIONS names; set DB_MIGRATIONS to the globs of the application's migration files`,
          )
        }
        write(`Reverting ${last} … `)
        const started = performance.now()
        // SQLite runs inside the lock's transaction already; MySQL commits DDL as it goes.
        if (!sqlite) await runner.startTransaction()
        try {
          await migration.down(runner)
          const placeholder = dataSource.driver.createParameter("name", 0)
          await runner.query(
            `DELETE FROM ${escape(table)} WHERE ${escape("name")} = ${placeholder}`,
            [last],
          )
          if (!sqlite) await runner.commitTransaction()
        } catch (error) {
          if (!sqlite && runner.isTransactionActive) await runner.rollbackTransaction()
          write("failed\n")
          throw error
        }
        write(`done (${Math.round(performance.now() - started)} ms)\n`)
        return last
      } finally {
        await runner.release()
      }
    })
  } catch (error) {
    if (error instanceof CliError) throw error
    throw translateError(error, dataSource)
  }
}
