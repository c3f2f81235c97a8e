import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { basename, dirname, relative, resolve } from "node:path"
import type { DataSource } from "typeorm"
import { applicationTables, builtInMetadatas } from "../application-entities"
import { describeTarget } from "../data-source-options"
import { CliError, EXIT_USAGE } from "./cli-error"
import type { Command } from "./command"
import { migrationFileText, type MigrationStatement } from "./migration-template"
import { migrationState, packageMigrationNames } from "./migration-state"
import { withDatabase } from "./open-database"
import { plural } from "./plural"

/**
 * `concrete-db migration:generate <dir/Name> [--js]`: compares the application's entities
 * (`DB_ENTITIES`, with their join tables) with the database and writes a migration of the
 * difference to `dir/<timestamp>-Name.ts` (`.js` with `--js`). concrete-db's own tables are left
 * alone. Writes nothing to the database.
 *
 * @example
 * // DB_ENTITIES=dist/models/*.js concrete-db migration:generate migrations/AddReminder
 * // Wrote migrations/1764300000000-AddReminder.ts: 2 statements up, 2 down, for reminder.
 */
export const migrationGenerateCommand: Command = {
  name: "migration:generate",
  summary: "Write a migration for changes of the application's entities (DB_ENTITIES)",
  description: [
    "Compares the application's entities (the classes of the DB_ENTITIES files, with their join",
    "tables) with the database and writes the statements that bring it up to date, and back, to",
    "<dir>/<timestamp>-<Name>.ts (TypeScript; JavaScript with --js). concrete-db's own tables are",
    "left alone. Apply the migration with migrate (DB_MIGRATIONS naming it). The SQL is the",
    "database's own dialect: generate against the kind of database you deploy to.",
  ].join("\n"),
  args: [{ name: "dir/Name", required: true }],
  options: {
    js: { type: "boolean", description: "write JavaScript (CommonJS) instead of TypeScript" },
  },
  async run({ args, options, io }) {
    const path = args[0]!
    const name = basename(path).replace(/\.[cm]?[jt]s$/, "")
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
      throw new CliError(
        `the migration name "${name}" is not a class name (letters, digits and _, not first a digit)`,
        EXIT_USAGE,
      )
    }
    const language = options.js === true ? "js" : "ts"
    await withDatabase(io, { require: "any" }, async (dataSource) => {
      const tables = applicationTables(dataSource)
      if (tables.length === 0) {
        throw new CliError(
          "the application has no entities here: set DB_ENTITIES to the globs of their compiled files (for example DB_ENTITIES=dist/models/*.js)",
        )
      }
      const own = packageMigrationNames()
      const pending = (await migrationState(dataSource)).pending.filter((m) => !own.has(m))
      if (pending.length > 0) {
        throw new CliError(
          `the application's migrations ${pending.join(", ")} are not applied to ${describeTarget(dataSource.options)} yet; run "concrete-db migrate" first, so that the new migration holds only what they do not`,
        )
      }
      const { up, down } = await applicationChanges(dataSource)
      if (up.length === 0) {
        throw new CliError(
          `no changes: the tables of the application's entities in ${describeTarget(dataSource.options)} already match them`,
        )
      }
      const timestamp = Date.now()
      const className = `${name}${timestamp}`
      const file = resolve(io.cwd, dirname(path), `${timestamp}-${name}.${language}`)
      if (existsSync(file)) throw new CliError(`${file} exists already`)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, migrationFileText({ className, up, down }, language))
      const names = tables.map((table) => table.metadata.tableName).join(", ")
      io.stdout(
        `Wrote ${relative(io.cwd, file)}: ${plural(up.length, "statement")} up, ${down.length} down, for ${names}.\n`,
      )
    })
  },
}

/**
 * The statements TypeORM's schema builder would run for the application's entities only (the
 * built-in ones marked not to synchronize while it looks), and those that undo them.
 */
export async function applicationChanges(
  dataSource: DataSource,
): Promise<{ up: MigrationStatement[]; down: MigrationStatement[] }> {
  const builtIn = builtInMetadatas(dataSource)
  const before = builtIn.map((metadata) => metadata.synchronize)
  for (const metadata of builtIn) metadata.synchronize = false
  try {
    const log = await dataSource.driver.createSchemaBuilder().log()
    return {
      up: log.upQueries.map(({ query, parameters }) => ({ query, parameters })),
      down: [...log.downQueries].reverse().map(({ query, parameters }) => ({ query, parameters })),
    }
  } finally {
    builtIn.forEach((metadata, index) => (metadata.synchronize = before[index]!))
  }
}
