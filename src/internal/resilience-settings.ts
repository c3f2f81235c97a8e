import type { DataSource, DataSourceOptions } from "typeorm"

/** How sessions of a data source deal with transient failures (DB_TRANSACTION_RETRIES, ...). */
export interface ResilienceSettings {
  /** How many times `withTransaction` runs its callback again after a transient failure. */
  readonly transactionRetries: number
  /** Statement timeout in milliseconds; 0: none. */
  readonly statementTimeoutMs: number
}

export const DEFAULT_TRANSACTION_RETRIES = 3

const DEFAULTS: ResilienceSettings = {
  transactionRetries: DEFAULT_TRANSACTION_RETRIES,
  statementTimeoutMs: 0,
}

// A symbol-keyed property of the options object: TypeORM's options type has no room for it, and
// object spread (createDataSource merges options that way) copies it along.
const KEY = Symbol.for("concrete-db.resilience")

/** `options` with `settings` attached. */
export function withResilience<T extends DataSourceOptions>(
  options: T,
  settings: ResilienceSettings,
): T {
  return Object.assign(options, { [KEY]: settings })
}

/** The settings of a data source; the defaults for one built without them. */
export function resilienceOf(dataSource: DataSource | undefined): ResilienceSettings {
  const settings: unknown = dataSource ? Reflect.get(dataSource.options, KEY) : undefined
  return (settings as ResilienceSettings | undefined) ?? DEFAULTS
}
