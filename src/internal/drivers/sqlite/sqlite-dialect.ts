import type { Dialect } from "../dialect"

export const sqliteDialect: Dialect = {
  kind: "sqlite",
  // SQLITE_MAX_VARIABLE_NUMBER is 32766 in the SQLite better-sqlite3 bundles.
  maxParameters: 32_766,
  maxStatementBytes: 32 * 1024 * 1024,
  // SQLite has no OFFSET without LIMIT; a negative limit means none.
  offsetWithoutLimit: " LIMIT -1",
  // A bound LIMIT makes each run compile the statement again (see Dialect.limitInText).
  limitInText: true,
  // The quoting of TypeORM's SQLite drivers, so both write the same identifiers.
  escape: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: () => "?",
  ignoreDuplicateSuffix: () => " ON CONFLICT DO NOTHING",
}
