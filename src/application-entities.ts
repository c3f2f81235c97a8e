import {
  type DataSource,
  type EntityMetadata,
  type EntityTarget,
  getMetadataArgsStorage,
  Table,
  TableForeignKey,
} from "typeorm"
import { describeTarget } from "./data-source-options"
import { ENTITIES } from "./entities"
import { MissingTableError, UnknownEntityError } from "./errors"
import { inSqliteMigration } from "./migrate"

/**
 * Every entity class declared with TypeORM's decorators so far (`@Entity`, `@ChildEntity`,
 * `@ViewEntity`), in declaration order: what the default data source holds beside the built-in
 * entities.
 *
 * @example
 * @Entity() class MyModel extends MetadataEntity {}
 * declaredEntities().includes(MyModel) // true
 */
export function declaredEntities(): EntityClass[] {
  const found: EntityClass[] = []
  for (const table of getMetadataArgsStorage().tables) {
    const target = table.target as EntityClass | string
    if (typeof target === "function" && !found.includes(target)) {
      found.push(target)
    }
  }
  return found
}

/** A class, as TypeORM's decorators record it. */
export type EntityClass = abstract new (...args: never[]) => unknown

/** Whether `target` is a class declared with TypeORM's entity decorators. */
export function isDeclaredEntity(target: unknown): boolean {
  return getMetadataArgsStorage().tables.some((table) => table.target === target)
}

/** A table the application's entities need: an entity's own, or the join table it owns. */
export interface ApplicationTable {
  readonly metadata: EntityMetadata
  /** The entity the table belongs to (the owner, for a join table). */
  readonly entity: string
}

/**
 * The tables of the entities that are not concrete-db's own (and the join tables they own), in a
 * data source that was built: the part of the schema the application's migrations own.
 *
 * @example
 * applicationTables(dataSource).map((table) => table.metadata.tableName) // ["my_model"]
 */
export function applicationTables(dataSource: DataSource): ApplicationTable[] {
  const builtIn = new Set<unknown>(ENTITIES)
  const tables: ApplicationTable[] = []
  for (const metadata of dataSource.entityMetadatas) {
    if (builtIn.has(metadata.target) || metadata.tableType !== "regular") continue
    tables.push({ metadata, entity: metadata.name })
    for (const relation of metadata.manyToManyRelations) {
      if (relation.isOwning && relation.junctionEntityMetadata) {
        tables.push({ metadata: relation.junctionEntityMetadata, entity: metadata.name })
      }
    }
  }
  return tables
}

/** The built-in entities' metadata (and their join tables): what migration:generate leaves alone. */
export function builtInMetadatas(dataSource: DataSource): EntityMetadata[] {
  const application = new Set(applicationTables(dataSource).map((table) => table.metadata))
  return dataSource.entityMetadatas.filter((metadata) => !application.has(metadata))
}

/** The command that writes a migration for `entity`, as messages print it. */
export function generateCommandFor(entity: string): string {
  return `npx concrete-db migration:generate migrations/Add${entity}`
}

// Tables of the application found missing when a data source opened (configured databases).
interface MissingTable {
  readonly entity: string
  readonly table: string
  readonly message: string
}
const missingTables = new WeakMap<DataSource, Map<EntityMetadata, MissingTable>>()

/**
 * The error to throw when `target` is used on `dataSource`, or undefined when it may be used:
 * an `UnknownEntityError` when the data source does not hold it, a `MissingTableError` when its
 * table was missing when the data source opened.
 */
export function entityUseError(
  dataSource: DataSource,
  target: EntityTarget<unknown>,
  metadata: EntityMetadata | undefined,
  discovered: boolean,
): UnknownEntityError | MissingTableError | undefined {
  if (metadata) {
    const missing = missingTables.get(dataSource)?.get(metadata)
    return missing && new MissingTableError(missing.entity, missing.table, missing.message)
  }
  const name = nameOf(target)
  if (typeof target === "function" && isDeclaredEntity(target)) {
    return new UnknownEntityError(
      name,
      discovered
        ? `${name} is not an entity of the default data source: its class was loaded after getDataSource() opened the database; import the module that declares ${name} before the first Session is used, or name its compiled file in DB_ENTITIES.`
        : `${name} is not an entity of this data source; pass it in createDataSource({ entities: [${name}] }).`,
    )
  }
  if (typeof target === "function") {
    return new UnknownEntityError(
      name,
      `${name} is not an entity; declare it with @Entity() (from "typeorm") and extend MetadataEntity.`,
    )
  }
  return new UnknownEntityError(
    name,
    `No entity named "${name}" belongs to this data source; use the entity class, declared with @Entity() before the data source opens.`,
  )
}

function nameOf(target: EntityTarget<unknown>): string {
  if (typeof target === "function") return target.name || "(anonymous class)"
  if (typeof target === "string") return target
  const named = (target ?? {}) as { name?: unknown; options?: { name?: unknown } }
  const name = named.options?.name ?? named.name
  return typeof name === "string" ? name : "(unnamed entity)"
}

/**
 * Makes sure the application's tables exist once a data source has opened and migrated. On the
 * embedded default (`create` true) a missing table is created, create-only (CREATE TABLE with its
 * indexes and foreign keys; nothing is altered or dropped), under the migrations' lock, with one
 * line on stderr naming it. Elsewhere nothing is created: a missing table is remembered, and
 * using its entity throws a `MissingTableError` until `recheckMissingTables` finds it.
 */
export async function prepareApplicationTables(
  dataSource: DataSource,
  options: { readonly create: boolean; readonly notice?: (line: string) => void },
): Promise<void> {
  const tables = applicationTables(dataSource)
  if (tables.length === 0) return
  if (options.create && dataSource.options.type === "better-sqlite3") {
    const notice = options.notice ?? ((line: string) => process.stderr.write(`${line}\n`))
    const created = await inSqliteMigration(dataSource, 60_000, () =>
      createMissingTables(dataSource, tables),
    )
    for (const table of created) {
      notice(
        `concrete-db: created table "${table.metadata.tableName}" for ${table.entity} in the embedded database ${describeTarget(dataSource.options)} (created once, never altered); for a configured database write its migration with "${generateCommandFor(table.entity)}"`,
      )
    }
    return
  }
  const missing = await absentTables(dataSource, tables)
  if (missing.length === 0) return
  const errors = new Map<EntityMetadata, MissingTable>()
  for (const table of missing) {
    const owner = table.metadata.isJunction
      ? dataSource.entityMetadatas.find((metadata) => metadata.name === table.entity)
      : table.metadata
    const error = {
      entity: table.entity,
      table: table.metadata.tableName,
      message: `${table.entity}'s table "${table.metadata.tableName}" does not exist in ${describeTarget(dataSource.options)}; write its migration with "${generateCommandFor(table.entity)}" and apply it with "npx concrete-db migrate" (DB_MIGRATIONS naming the migrations).`,
    }
    if (owner && !errors.has(owner)) errors.set(owner, error)
  }
  missingTables.set(dataSource, errors)
}

/** Whether a data source has application tables that were missing when it opened. */
export function hasMissingTables(dataSource: DataSource): boolean {
  return (missingTables.get(dataSource)?.size ?? 0) > 0
}

/**
 * Looks again for the tables found missing (a migration may have run since); the ones that now
 * exist are usable at once. Does nothing (no query) when none were missing.
 */
export async function recheckMissingTables(dataSource: DataSource): Promise<DataSource> {
  const errors = missingTables.get(dataSource)
  if (!errors || errors.size === 0 || !dataSource.isInitialized) return dataSource
  const runner = dataSource.createQueryRunner()
  try {
    for (const [metadata, error] of [...errors]) {
      if (await runner.hasTable(error.table)) errors.delete(metadata)
    }
  } finally {
    await runner.release()
  }
  return dataSource
}

async function absentTables(
  dataSource: DataSource,
  tables: readonly ApplicationTable[],
): Promise<ApplicationTable[]> {
  const runner = dataSource.createQueryRunner()
  try {
    const absent: ApplicationTable[] = []
    for (const table of tables) {
      if (!(await runner.hasTable(table.metadata.tablePath))) absent.push(table)
    }
    return absent
  } finally {
    await runner.release()
  }
}

async function createMissingTables(
  dataSource: DataSource,
  tables: readonly ApplicationTable[],
): Promise<ApplicationTable[]> {
  const created: ApplicationTable[] = []
  const runner = dataSource.createQueryRunner()
  try {
    for (const table of tables) {
      if (await runner.hasTable(table.metadata.tablePath)) continue
      const definition = Table.create(table.metadata, dataSource.driver)
      for (const foreignKey of table.metadata.foreignKeys) {
        definition.addForeignKey(TableForeignKey.create(foreignKey, dataSource.driver))
      }
      await runner.createTable(definition, false, true, true)
      created.push(table)
    }
  } finally {
    await runner.release()
  }
  return created
}
