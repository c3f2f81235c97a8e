import type { DataSource } from "typeorm"
import { MIGRATIONS } from "../../migrations"

/** Which of a data source's migrations the database has applied, and which are pending. */
export interface MigrationState {
  /** Applied migrations, in the order they were applied (including ones this code lacks). */
  readonly applied: readonly string[]
  /** Migrations of this code not applied yet, oldest first. */
  readonly pending: readonly string[]
}

/**
 * Reads the migrations table of an initialized data source without writing anything (TypeORM's
 * own `showMigrations()` creates the table when it is missing).
 *
 * @example
 * const { applied, pending } = await migrationState(dataSource)
 */
export async function migrationState(dataSource: DataSource): Promise<MigrationState> {
  const table = dataSource.options.migrationsTableName ?? "migrations"
  const runner = dataSource.createQueryRunner()
  let applied: string[] = []
  try {
    if (await runner.hasTable(table)) {
      const rows = (await runner.query(
        `SELECT ${dataSource.driver.escape("name")} AS name FROM ${dataSource.driver.escape(table)} ORDER BY ${dataSource.driver.escape("id")}`,
      )) as { name: string }[]
      applied = rows.map((row) => String(row.name))
    }
  } finally {
    await runner.release()
  }
  const done = new Set(applied)
  const known = dataSource.migrations
    .map((migration) => ({ name: migrationName(migration), timestamp: timestampOf(migration) }))
    .sort((a, b) => a.timestamp - b.timestamp)
  return { applied, pending: known.map((m) => m.name).filter((name) => !done.has(name)) }
}

/**
 * The name TypeORM records for a migration: its `name`, else its class name.
 *
 * @example
 * migrationName(new InitialSchema1764230400000()) // "InitialSchema1764230400000"
 */
export function migrationName(migration: object): string {
  const named = (migration as { name?: unknown }).name
  return typeof named === "string" && named !== "" ? named : migration.constructor.name
}

function timestampOf(migration: object): number {
  const digits = /(\d{13})$/.exec(migrationName(migration))?.[1]
  return digits === undefined ? 0 : Number(digits)
}

/**
 * The names of the migrations a data source is configured with, oldest first, without
 * initializing it (`dataSource.migrations` is only filled by `initialize()`).
 *
 * @example
 * declaredMigrations(createDataSource()) // ["InitialSchema1764230400000"]
 */
export function declaredMigrations(dataSource: DataSource): string[] {
  const listed = dataSource.options.migrations ?? []
  const items: unknown[] = Array.isArray(listed) ? listed : Object.values(listed)
  return items
    .filter((item): item is new () => object => typeof item === "function")
    .map((Migration) => new Migration())
    .sort((a, b) => timestampOf(a) - timestampOf(b))
    .map(migrationName)
}

/**
 * The names of concrete-db's own migrations; every other migration is the application's.
 *
 * @example
 * packageMigrationNames().has("InitialSchema1764230400000") // true
 */
export function packageMigrationNames(): ReadonlySet<string> {
  return new Set(MIGRATIONS.map((Migration) => migrationName(new Migration())))
}
