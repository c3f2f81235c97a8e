import "reflect-metadata"
import { DataSource, type DataSourceOptions } from "typeorm"
import { MIGRATIONS } from "../migrations"
import { dataSourceOptionsFromEnv, loadEnv, type Env } from "./data-source-options"
import { ENTITIES } from "./entities"
import { adaptPortableColumns } from "./internal/portable-types"
import { translateError } from "./internal/errors/translate-error"
import { inSqliteMigration, migrate } from "./migrate"
import { TimestampSubscriber } from "./mixins/timestamp-subscriber"
import { ConcreteNamingStrategy } from "./naming-strategy"

type EntityList = NonNullable<DataSourceOptions["entities"]>
type MigrationList = NonNullable<DataSourceOptions["migrations"]>

/** What `createDataSource` adds to, or changes in, the options built from the environment. */
export type DataSourceExtra = {
  /** Entities of your own, added to the built-in ones. */
  readonly entities?: EntityList
  /** Migrations of your own, run after the built-in ones. */
  readonly migrations?: MigrationList
  /** The variables to read instead of `process.env` and `.env`. */
  readonly env?: Env
} & Omit<Partial<DataSourceOptions>, "entities" | "migrations">

// Portable column types depend on the driver, which is only known here: right after TypeORM has
// built (and validated) the metadata, before anything reads it.
class ConcreteDataSource extends DataSource {
  protected override async buildMetadatas(): Promise<void> {
    await super.buildMetadatas()
    adaptPortableColumns(this)
  }

  // On SQLite, TypeORM reverts a migration inside a transaction it opened before turning foreign
  // keys off (which then has no effect): a `down` that changes a table others refer to would
  // cascade-delete their rows. Revert as `migrate()` applies: foreign keys off first, one
  // IMMEDIATE transaction, checked before COMMIT. (`npm run migration:revert` comes here too.)
  override undoLastMigration(
    options?: Parameters<DataSource["undoLastMigration"]>[0],
  ): Promise<void> {
    const sqlite = this.options.type === "better-sqlite3" && this.isInitialized
    if (!sqlite || options?.transaction === "none") {
      return super.undoLastMigration(options)
    }
    return inSqliteMigration(this, 60_000, () => super.undoLastMigration(options))
  }
}

function toArray<T>(list: readonly T[] | Record<string, T> | undefined): T[] {
  if (!list) return []
  return Array.isArray(list) ? [...(list as readonly T[])] : Object.values(list)
}

/**
 * A new, not yet initialized DataSource for the database the environment names (`DB_*`,
 * `DATABASE_URL`, `.env`; none set: the local SQLite file `sql_app.db`), with every built-in entity
 * and migration. `extra` adds entities and migrations of your own or overrides any option.
 *
 * @throws ConfigurationError when the environment does not describe a usable database.
 *
 * @example
 * const dataSource = createDataSource({ entities: [MyModel] })
 * await dataSource.initialize()
 * await dataSource.runMigrations()
 */
export function createDataSource(extra: DataSourceExtra = {}): DataSource {
  const { entities, migrations, env, ...overrides } = extra
  const base = dataSourceOptionsFromEnv(env ?? loadEnv())
  const options = {
    ...base,
    namingStrategy: new ConcreteNamingStrategy(),
    migrationsTableName: "migrations",
    ...overrides,
    entities: [...ENTITIES, ...toArray(entities as EntityList)],
    migrations: [...MIGRATIONS, ...toArray(migrations as MigrationList)],
    subscribers: [TimestampSubscriber, ...toArray(overrides.subscribers as MigrationList)],
    synchronize: false,
  } as DataSourceOptions
  return new ConcreteDataSource(options)
}

let shared: Promise<DataSource> | undefined

/**
 * The data source every `new Session()` uses by default: built from the environment on first
 * call, initialized once, with pending migrations applied, then shared. A failed attempt (a
 * database that is down, say) is not cached: the next call tries again.
 *
 * @example
 * const dataSource = await getDataSource()
 * console.log(dataSource.options.type)
 */
export function getDataSource(): Promise<DataSource> {
  shared ??= openDataSource().catch((error: unknown) => {
    shared = undefined
    throw error
  })
  return shared
}

/** Closes the shared data source, if one was opened; the next `getDataSource()` opens a new one. */
export async function closeDataSource(): Promise<void> {
  const current = shared
  shared = undefined
  if (!current) return
  const dataSource = await current.catch(() => undefined)
  if (dataSource?.isInitialized) await dataSource.destroy()
}

async function openDataSource(): Promise<DataSource> {
  const dataSource = createDataSource()
  try {
    await dataSource.initialize()
  } catch (error) {
    // A typed error naming the database (password masked), as sessions report it.
    throw translateError(error, dataSource, { opening: true })
  }
  try {
    await migrate(dataSource)
  } catch (error) {
    await dataSource.destroy()
    throw error
  }
  return dataSource
}
