import type { DataSource } from "typeorm"

/** Logs a statement the way TypeORM logs its own, when the data source has logging on. */
export function logQuery(dataSource: DataSource, sql: string, params: readonly unknown[]): void {
  if (dataSource.options.logging) dataSource.logger.logQuery(sql, params as unknown[])
}
