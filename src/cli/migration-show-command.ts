import { describeTarget } from "../data-source-options"
import type { Command } from "./command"
import {
  declaredMigrations,
  migrationName,
  migrationState,
  packageMigrationNames,
} from "./migration-state"
import { applicationDataSource, connect, missingSqliteFile } from "./open-database"

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
    "Changes nothing (a missing SQLite file stays missing).",
  ].join("\n"),
  args: [],
  options: {},
  async run({ io }) {
    const dataSource = applicationDataSource(io)
    const own = packageMigrationNames()
    if (missingSqliteFile(dataSource) !== undefined) {
      // Nothing is applied to a file that does not exist, and showing does not create it.
      const pending = declaredMigrations(dataSource)
      io.stdout(listing(describeTarget(dataSource.options), [], pending, own, new Set(pending)))
      return
    }
    await connect(dataSource)
    try {
      const { applied, pending } = await migrationState(dataSource)
      const known = new Set(dataSource.migrations.map(migrationName))
      io.stdout(listing(describeTarget(dataSource.options), applied, pending, own, known))
    } finally {
      await dataSource.destroy()
    }
  },
}

function listing(
  target: string,
  applied: readonly string[],
  pending: readonly string[],
  own: ReadonlySet<string>,
  known: ReadonlySet<string>,
): string {
  const kind = (name: string): string =>
    own.has(name)
      ? "concrete-db"
      : known.has(name)
        ? "application"
        : "application (not found in DB_MIGRATIONS)"
  const width = Math.max(0, ...[...applied, ...pending].map((name) => name.length))
  return [
    `Database: ${target}`,
    ...applied.map((name) => `[X] ${name.padEnd(width)}  ${kind(name)}`),
    ...pending.map((name) => `[ ] ${name.padEnd(width)}  ${kind(name)}`),
    `${applied.length} applied, ${pending.length} pending.`,
    "",
  ].join("\n")
}
