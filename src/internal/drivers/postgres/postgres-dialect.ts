import type { Dialect } from "../dialect"

export const postgresDialect: Dialect = {
  kind: "postgres",
  maxParameters: 65_535,
  maxStatementBytes: 32 * 1024 * 1024,
  offsetWithoutLimit: "",
  limitInText: false,
  // The quoting of TypeORM's PostgresDriver, so both write the same identifiers.
  escape: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (index) => `$${index}`,
  ignoreDuplicateSuffix: () => " ON CONFLICT DO NOTHING",
}
