import type { DataSource } from "typeorm"
import { prepareApplicationTables } from "./application-entities"
import { translateError } from "./internal/errors/translate-error"
import { migrate } from "./migrate"

/** How `openPreparedDataSource` readies the database after connecting. */
export interface PrepareOptions {
  /** Whether the pending migrations are applied; default true. */
  readonly migrate?: boolean
  /** Whether the application's missing tables are created (the embedded default only). */
  readonly createTables: boolean
}

/**
 * Initializes a data source built by `createDataSource`, applies the pending migrations and
 * looks for (or creates) the application's tables: what `getDataSource()` and the Nest module
 * both do before handing the data source out. A failure destroys it and comes out translated.
 */
export async function openPreparedDataSource(
  dataSource: DataSource,
  options: PrepareOptions,
): Promise<DataSource> {
  try {
    await dataSource.initialize()
  } catch (error) {
    // A typed error naming the database (password masked), as sessions report it.
    throw translateError(error, dataSource, { opening: true })
  }
  try {
    if (options.migrate !== false) await migrate(dataSource)
    await prepareApplicationTables(dataSource, { create: options.createTables })
  } catch (error) {
    await dataSource.destroy()
    throw translateError(error, dataSource)
  }
  return dataSource
}
