import type { DataSource } from "typeorm"
import { DriverUtils } from "typeorm/driver/DriverUtils"
import { mysqlDialect } from "./mysql/mysql-dialect"
import { postgresDialect } from "./postgres/postgres-dialect"
import { sqliteDialect } from "./sqlite/sqlite-dialect"

export type DialectKind = "sqlite" | "postgres" | "mysql"

/** What differs between databases when concrete-db writes its own SQL. */
export interface Dialect {
  readonly kind: DialectKind
  /** Bind parameters one statement may carry. */
  readonly maxParameters: number
  /** Rough byte budget of one statement's parameters (MySQL's max_allowed_packet is 16 MiB). */
  readonly maxStatementBytes: number
  /** What must precede `OFFSET` when a query has no LIMIT (`""` where OFFSET may stand alone). */
  readonly offsetWithoutLimit: string
  /**
   * Whether a find's LIMIT is written into its SQL as a number instead of a parameter. SQLite
   * plans with the value bound to `LIMIT ?` and so marks the statement to be compiled again
   * whenever that parameter is bound: every run of a cached `LIMIT ?` statement re-prepared it.
   */
  readonly limitInText: boolean
  escape(name: string): string
  /** The placeholder for the 1-based parameter `index`. */
  placeholder(index: number): string
  /** `INSERT … VALUES …` followed by this ignores a row whose primary key exists already. */
  ignoreDuplicateSuffix(primaryColumns: readonly string[]): string
}

export function dialectOf(dataSource: DataSource): Dialect {
  const type = dataSource.options.type
  if (type === "postgres") return postgresDialect
  if (DriverUtils.isMySQLFamily(dataSource.driver)) return mysqlDialect
  if (type === "better-sqlite3") return sqliteDialect
  throw new TypeError(
    `concrete-db sessions support SQLite (better-sqlite3), PostgreSQL and MySQL/MariaDB, not ${type}`,
  )
}
