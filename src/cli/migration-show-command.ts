import { describeTarget } from "../data-source-options"
import type { Command } from "./command"
import { migrationName, migrationState, packageMigrationNames } from "./migration-state"
import { withDatabase } from "./open-database"

/**
 * `concrete-db migration:show`: every migration, concrete-db's and the application's
 * (`DB_MIGRATIONS`), applied `[X]` or pending `[ ]`. Writes nothing.
 *
 * @example
 * // concrete-db migration:show
 * // Database: postgres://app:***@db:5432/app
 * // [X] InitialSchema1764230400000  concrete-db
 * // [ ] AddReminder1764300000000    application
 * // 1 applied, 1 pending.
 */
export const migrationShowCommand: Command = {
  name: "migration:show",
  summary: "List applied [X] and pending [ ] migrations, concrete-db's and the application's",
  description: [
    "Lists the migrations of concrete-db and of the application (DB_MIGRATIONS), applied [X] in",
    "the order they were applied, then pending [ ] in the order migrate would apply them.",
    "Changes nothing.",
  ].join("\n"),
  args: [],
  options: {},
  async run({ io }) {
    await withDatabase(io, { require: "any" }, async (dataSource) => {
      const { applied, pending } = await migrationState(dataSource)
      const own = packageMigrationNames()
      const known = new Set(dataSource.migrations.map(migrationName))
      const kind = (name: string): string =>
        own.has(name)
          ? "concrete-db"
          : known.has(name)
            ? "application"
            : "application (not found in DB_MIGRATIONS)"
      const width = Math.max(0, ...[...applied, ...pending].map((name) => name.length))
      io.stdout(
        [
          `Database: ${describeTarget(dataSource.options)}`,
          ...applied.map((name) => `[X] ${name.padEnd(width)}  ${kind(name)}`),
          ...pending.map((name) => `[ ] ${name.padEnd(width)}  ${kind(name)}`),
          `${applied.length} applied, ${pending.length} pending.`,
          "",
        ].join("\n"),
      )
    })
  },
}
