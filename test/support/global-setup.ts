import { Client } from "pg"
import { createConnection } from "mysql2/promise"
import { ALL_KINDS, AVAILABLE_ENV, MARIADB, POSTGRES, type DatabaseKind } from "./servers"

async function reachable(kind: DatabaseKind): Promise<string | undefined> {
  try {
    if (kind === "postgres") {
      const client = new Client({
        ...POSTGRES,
        database: POSTGRES.adminDatabase,
        connectionTimeoutMillis: 3_000,
      })
      await client.connect()
      await client.end()
    } else if (kind === "mariadb") {
      const connection = await createConnection({ ...MARIADB, connectTimeout: 3_000 })
      await connection.end()
    }
    return undefined
  } catch (error) {
    return (error as Error).message || String(error)
  }
}

/**
 * The kinds a run asked for by setting CONCRETE_DB_TEST_AVAILABLE by hand (e.g. "sqlite" for a
 * quick local run): every kind when it is unset, or names none of them.
 */
export function requestedKinds(value: string | undefined): readonly DatabaseKind[] {
  const asked = (value ?? "").split(",").map((kind) => kind.trim())
  const kinds = ALL_KINDS.filter((kind) => asked.includes(kind))
  return kinds.length > 0 ? kinds : ALL_KINDS
}

// Finds out once which databases this run can use: those CONCRETE_DB_TEST_AVAILABLE names when
// it is set by hand (all otherwise) and that answer. Locally an unreachable server is skipped
// with a notice; under CI=true every database asked for is required.
export default async function globalSetup(): Promise<void> {
  const available: DatabaseKind[] = []
  const missing: string[] = []
  const requested = requestedKinds(process.env[AVAILABLE_ENV])
  if (requested.length < ALL_KINDS.length) {
    process.stderr.write(
      `\n[concrete-db tests] ${AVAILABLE_ENV}=${process.env[AVAILABLE_ENV]}: only ${requested.join(", ")}\n`,
    )
  }
  for (const kind of requested) {
    const problem = await reachable(kind)
    if (problem === undefined) available.push(kind)
    else missing.push(`${kind} (${problem})`)
  }
  if (missing.length > 0) {
    if (process.env.CI === "true") {
      throw new Error(
        `CI=true requires every test database, but these are unreachable: ${missing.join(", ")}`,
      )
    }
    process.stderr.write(
      `\n[concrete-db tests] SKIPPING suites for unreachable databases: ${missing.join(", ")}\n`,
    )
  }
  process.env[AVAILABLE_ENV] = available.join(",")
}
