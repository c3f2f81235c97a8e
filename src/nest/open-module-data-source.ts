import type { DataSource } from "typeorm"
import { createDataSource } from "../create-data-source"
import { isEmbeddedDefault, loadEnv } from "../data-source-options"
import { openPreparedDataSource } from "../open-prepared-data-source"
import type { ConcreteDbModuleOptions } from "./concrete-db-module-options"

/**
 * The module's data source, opened as `getDataSource()` opens the shared one: built from the
 * environment (or the options), initialized, pending migrations applied, and the application's
 * missing tables created on the embedded default only. A failure destroys it and comes out
 * translated (naming the database, the password masked), so the application does not start.
 */
export async function openModuleDataSource(options: ConcreteDbModuleOptions): Promise<DataSource> {
  const extra = options.dataSource ?? {}
  const env = extra.env ?? loadEnv(extra.cwd)
  // Options naming the database configure it as much as DB_* variables do.
  const embedded =
    isEmbeddedDefault(env) && !["type", "database", "url"].some((key) => key in extra)
  // A missing table of the application is reported when its entity is used (MissingTableError).
  return openPreparedDataSource(createDataSource({ allDeclaredEntities: true, ...extra, env }), {
    migrate: options.migrate !== false,
    createTables: embedded,
  })
}
