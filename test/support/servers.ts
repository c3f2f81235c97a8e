// Where the test databases live. Overridable so the suite can run against other servers.
export const POSTGRES = {
  host: process.env.TEST_PG_HOST ?? "127.0.0.1",
  port: Number(process.env.TEST_PG_PORT ?? 5432),
  user: process.env.TEST_PG_USER ?? "postgres",
  password: process.env.TEST_PG_PASSWORD ?? "",
  adminDatabase: process.env.TEST_PG_DATABASE ?? "test",
}

export const MARIADB = {
  host: process.env.TEST_MARIADB_HOST ?? "127.0.0.1",
  port: Number(process.env.TEST_MARIADB_PORT ?? 3306),
  user: process.env.TEST_MARIADB_USER ?? "root",
  password: process.env.TEST_MARIADB_PASSWORD ?? "",
}

export type DatabaseKind = "sqlite" | "postgres" | "mariadb"

export const ALL_KINDS: readonly DatabaseKind[] = ["sqlite", "postgres", "mariadb"]

/** Set by the global setup: the kinds reachable in this run, comma separated. */
export const AVAILABLE_ENV = "CONCRETE_DB_TEST_AVAILABLE"
