import type { Dialect } from "../dialect"

// The quoting of TypeORM's MysqlDriver, so both write the same identifiers.
const escape = (name: string): string => "`" + name.replaceAll("`", "``") + "`"

export const mysqlDialect: Dialect = {
  kind: "mysql",
  maxParameters: 65_535,
  maxStatementBytes: 4 * 1024 * 1024,
  // MySQL has no OFFSET without LIMIT; its manual suggests the largest BIGINT UNSIGNED.
  offsetWithoutLimit: " LIMIT 18446744073709551615",
  limitInText: false,
  escape,
  placeholder: () => "?",
  // A no-op update: MySQL has no ON CONFLICT DO NOTHING, and INSERT IGNORE would also turn other
  // errors (a missing parent, a NULL) into warnings.
  ignoreDuplicateSuffix: (primary) => {
    const first = escape(primary[0] ?? "id")
    return ` ON DUPLICATE KEY UPDATE ${first} = ${first}`
  },
}
