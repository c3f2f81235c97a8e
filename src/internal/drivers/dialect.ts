import type { DataSource } from "typeorm"
import { DriverUtils } from "typeorm/driver/DriverUtils"

export type DialectKind = "sqlite" | "postgres" | "mysql"

/** What differs between databases when concrete-db writes its own SQL. */
export interface Dialect {
  readonly kind: DialectKind
  /** Bind parameters one statement may carry. */
  readonly maxParameters: number
  /** Rough byte budget of one statement's parameters (MySQL's max_allowed_packet is 16 MiB). */
  readonly maxStatementBytes: number
  escape(name: string): string
  /** The placeholder for the 1-based parameter `index`. */
  placeholder(index: number): string
  /** `INSERT … VALUES …` followed by this ignores a row whose primary key exists already. */
  ignoreDuplicateSuffix(primaryColumns: readonly string[]): string
  /** What must precede `OFFSET` in a query without a LIMIT. */
  readonly offsetWithoutLimit: string
}

export function dialectOf(dataSource: DataSource): Dialect {
  const driver = dataSource.driver
  const escape = (name: string): string => driver.escape(name)
  const type = dataSource.options.type
  if (type === "postgres") {
    return {
      kind: "postgres",
      maxParameters: 65_535,
      maxStatementBytes: 32 * 1024 * 1024,
      escape,
      placeholder: (index) => `$${index}`,
      ignoreDuplicateSuffix: () => " ON CONFLICT DO NOTHING",
      offsetWithoutLimit: "",
    }
  }
  if (DriverUtils.isMySQLFamily(driver)) {
    return {
      kind: "mysql",
      maxParameters: 65_535,
      maxStatementBytes: 4 * 1024 * 1024,
      escape,
      placeholder: () => "?",
      ignoreDuplicateSuffix: (primary) => {
        const first = escape(primary[0] ?? "id")
        return ` ON DUPLICATE KEY UPDATE ${first} = ${first}`
      },
      offsetWithoutLimit: " LIMIT 18446744073709551615",
    }
  }
  if (type === "better-sqlite3") {
    return {
      kind: "sqlite",
      // SQLITE_MAX_VARIABLE_NUMBER is 32766 in the SQLite better-sqlite3 bundles.
      maxParameters: 32_766,
      maxStatementBytes: 32 * 1024 * 1024,
      escape,
      placeholder: () => "?",
      ignoreDuplicateSuffix: () => " ON CONFLICT DO NOTHING",
      offsetWithoutLimit: " LIMIT -1",
    }
  }
  throw new TypeError(
    `concrete-db sessions support SQLite (better-sqlite3), PostgreSQL and MySQL/MariaDB, not ${type}`,
  )
}
