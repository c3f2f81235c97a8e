import "reflect-metadata"
import { DataSource, type DataSourceOptions, type EntityMetadata, type EntityTarget } from "typeorm"
import { MIGRATIONS } from "../migrations"
import {
  declaredEntities,
  entityUseError,
  hasMissingTables,
  isDeclaredEntity,
  recheckMissingTables,
} from "./application-entities"
import { loadApplicationFiles } from "./application-files"
import {
  dataSourceOptionsFromEnv,
  isEmbeddedDefault,
  loadEnv,
  type Env,
} from "./data-source-options"
import { ENTITIES } from "./entities"
import { adaptPortableColumns } from "./internal/portable-types"
import { closeReadReplicas, registerReadReplicas } from "./internal/replica-pools"
import { stopSqliteCheckpointer } from "./internal/drivers/sqlite/sqlite-connection"
import { inSqliteMigration } from "./migrate"
import { TimestampSubscriber } from "./mixins/timestamp-subscriber"
import { ConcreteNamingStrategy } from "./naming-strategy"
import { openPreparedDataSource } from "./open-prepared-data-source"
import { readReplicasFromEnv } from "./read-replicas-option"

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
  /** Where the globs of `DB_ENTITIES` and `DB_MIGRATIONS` start; default `process.cwd()`. */
  readonly cwd?: string
  /**
   * Also every entity class declared with TypeORM's decorators so far, as the default data source
   * (`getDataSource()`) holds them. Default false: only the built-in entities and `entities`.
   */
  readonly allDeclaredEntities?: boolean
} & Omit<Partial<DataSourceOptions>, "entities" | "migrations">

// Portable column types depend on the driver, which is only known here: right after TypeORM has
// built (and validated) the metadata, before anything reads it.
class ConcreteDataSource extends DataSource {
  /** Whether the entities were gathered from every declared class (the default data source). */
  allDeclaredEntities = false

  // TypeORM's EntityMetadataNotFoundError becomes an error naming the entity and the fix; an
  // application table that was missing when the data source opened is reported here too.
  override getMetadata(target: EntityTarget<unknown>): EntityMetadata {
    const metadata = this.findMetadata(target)
    const error = entityUseError(this, target, metadata, this.allDeclaredEntities)
    if (error) throw error
    return metadata!
  }

  // The pools of its read replicas (DB_READ_REPLICAS) go with it; on SQLite, first its WAL
  // checkpoint worker, so that closing the connection checkpoints and removes the WAL.
  override async destroy(): Promise<void> {
    try {
      if (this.options.type === "better-sqlite3" && this.isInitialized) {
        await stopSqliteCheckpointer(this)
      }
      await super.destroy()
    } finally {
      await closeReadReplicas(this)
    }
  }

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
 * and migration. `extra` adds entities and migrations of your own or overrides any option. The
 * replicas `DB_READ_REPLICAS` lists serve its readOnly sessions; their pools close with it.
 *
 * @throws ConfigurationError when the environment does not describe a usable database.
 *
 * @example
 * const dataSource = createDataSource({ entities: [MyModel] })
 * await dataSource.initialize()
 * await dataSource.runMigrations()
 */
export function createDataSource(extra: DataSourceExtra = {}): DataSource {
  const { entities, migrations, env, cwd, allDeclaredEntities, ...overrides } = extra
  const environment = env ?? loadEnv(cwd)
  const base = dataSourceOptionsFromEnv(environment)
  // The application's files load first, so that the classes they declare count as declared.
  const application = loadApplicationFiles(environment, cwd)
  const declared = allDeclaredEntities ? declaredEntities() : []
  const entityList = unique([
    ...ENTITIES,
    ...toArray(entities as EntityList),
    ...application.entities.filter(isDeclaredEntity),
    ...declared,
  ])
  const options = {
    ...base,
    namingStrategy: new ConcreteNamingStrategy(),
    migrationsTableName: "migrations",
    ...overrides,
    entities: entityList,
    migrations: unique([
      ...MIGRATIONS,
      ...toArray(migrations as MigrationList),
      ...application.migrations,
    ]),
    subscribers: [TimestampSubscriber, ...toArray(overrides.subscribers as MigrationList)],
    synchronize: false,
  } as DataSourceOptions
  const replicas = readReplicasFromEnv(environment, options)
  const dataSource = new ConcreteDataSource(options)
  dataSource.allDeclaredEntities = allDeclaredEntities === true
  registerReadReplicas(dataSource, replicas)
  return dataSource
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)]
}

let shared: Promise<DataSource> | undefined

/**
 * The data source every `new Session()` uses by default: built from the environment on first
 * call, initialized once, with pending migrations applied, then shared. A failed attempt (a
 * database that is down, say) is not cached: the next call tries again.
 *
 * It holds the built-in entities, every entity class declared with TypeORM's decorators before
 * this first call, and the classes of the `DB_ENTITIES` files; it runs the built-in migrations
 * and those of `DB_MIGRATIONS`. On the embedded default (nothing configured) a missing table of
 * the application's entities is created then (create-only, with a line on stderr); on a
 * configured database it is never created, and using its entity throws a `MissingTableError`.
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
  // Only while an application table is missing: each new caller looks for it again.
  return sharedMissingTables ? shared.then(recheckMissingTables) : shared
}

let sharedMissingTables = false

/** Closes the shared data source, if one was opened; the next `getDataSource()` opens a new one. */
export async function closeDataSource(): Promise<void> {
  const current = shared
  shared = undefined
  sharedMissingTables = false
  if (!current) return
  const dataSource = await current.catch(() => undefined)
  if (dataSource?.isInitialized) await dataSource.destroy()
}

async function openDataSource(): Promise<DataSource> {
  const env = loadEnv()
  const dataSource = await openPreparedDataSource(
    createDataSource({ env, allDeclaredEntities: true }),
    { createTables: isEmbeddedDefault(env) },
  )
  sharedMissingTables = hasMissingTables(dataSource)
  return dataSource
}
