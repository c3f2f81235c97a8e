import { existsSync } from "node:fs"
import { resolve } from "node:path"
import type { DataSource } from "typeorm"
import { createDataSource } from "../create-data-source"
import { describeTarget, loadEnv } from "../data-source-options"
import type { CliIo } from "./command"
import { CliError } from "./cli-error"
import { migrationState } from "./migration-state"

/** What a command needs of the database before it runs. */
export interface OpenDatabaseOptions {
  /**
   * "any": open it as it is (an SQLite file is created when missing); "current": it must exist
   * and have every migration applied (commands that only read).
   */
  readonly require: "any" | "current"
}

/**
 * The SQLite file `dataSource` would open, when it is a file that does not exist yet (opening
 * it would create it).
 *
 * @example
 * missingSqliteFile(createDataSource({ env: { DB_DRIVER: "sqlite", DB_DATABASE: "new.db" } }))
 * // "/current/directory/new.db", unless new.db exists
 */
export function missingSqliteFile(dataSource: DataSource): string | undefined {
  const { type, database } = dataSource.options
  if (type !== "better-sqlite3" || typeof database !== "string" || database === ":memory:") {
    return undefined
  }
  const file = resolve(database)
  return existsSync(file) ? undefined : file
}

/**
 * Builds the data source the environment names (`DB_*`, `DATABASE_URL`, `.env` in `io.cwd`),
 * initializes it, runs `fn` with it and destroys it. With `require: "current"` a missing SQLite
 * file or pending migrations are a `CliError` (and no file is created).
 *
 * @throws ConfigurationError when the environment does not describe a usable database.
 *
 * @example
 * await withDatabase(io, { require: "current" }, async (dataSource) => {
 *   io.stdout(`${describeTarget(dataSource.options)}\n`)
 * })
 */
export async function withDatabase<T>(
  io: CliIo,
  options: OpenDatabaseOptions,
  fn: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const dataSource = applicationDataSource(io)
  if (options.require === "current") {
    const missing = missingSqliteFile(dataSource)
    if (missing !== undefined) {
      throw new CliError(
        `there is no database at ${missing} yet (run "concrete-db demo" or "concrete-db migrate" first)`,
      )
    }
  }
  await connect(dataSource)
  try {
    if (options.require === "current") {
      const { pending } = await migrationState(dataSource)
      if (pending.length > 0) {
        throw new CliError(
          `the schema of ${describeTarget(dataSource.options)} is not up to date (pending: ${pending.join(", ")}); run "concrete-db migrate"`,
        )
      }
    }
    return await fn(dataSource)
  } finally {
    await dataSource.destroy()
  }
}

/**
 * The data source the CLI works on: the environment `io` sees (`.env` in `io.cwd` included), the
 * built-in entities and migrations, and the application's from `DB_ENTITIES` and `DB_MIGRATIONS`
 * (globs relative to `io.cwd`).
 *
 * @throws ConfigurationError for a bad environment or a `DB_*` file that cannot be loaded.
 *
 * @example
 * const dataSource = applicationDataSource(io) // not initialized
 */
export function applicationDataSource(io: CliIo): DataSource {
  return createDataSource({ env: loadEnv(io.cwd, io.env), cwd: io.cwd, allDeclaredEntities: true })
}

/**
 * Initializes `dataSource`; a failure (server down, wrong credentials, unknown database)
 * becomes a `CliError` naming the target, password masked.
 *
 * @example
 * await connect(dataSource) // CliError: cannot open postgres://app:***@db:5432/app: connect ECONNREFUSED …
 */
export async function connect(dataSource: DataSource): Promise<void> {
  try {
    await dataSource.initialize()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new CliError(`cannot open ${describeTarget(dataSource.options)}: ${reason}`)
  }
}
