import { resolve } from "node:path"
import type { DataSourceOptions } from "typeorm"

/**
 * Where a data source points, for logs and messages: `postgres://app:***@db:5432/concrete` or
 * `sqlite:/path/to/sql_app.db`. The password is always masked.
 */
export function describeTarget(options: DataSourceOptions): string {
  if (options.type === "better-sqlite3") {
    const file = String(options.database)
    return `sqlite:${file === ":memory:" ? file : resolve(file)}`
  }
  if (options.type === "postgres" || options.type === "mysql" || options.type === "mariadb") {
    const user = options.username
      ? `${options.username}${options.password !== undefined ? ":***" : ""}@`
      : ""
    return `${options.type}://${user}${options.host ?? "localhost"}:${options.port ?? ""}/${options.database ?? ""}`
  }
  return options.type
}
