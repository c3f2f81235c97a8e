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

// Finds out once which databases this run can use. Locally an unreachable server is skipped with
// a notice; under CI=true every database is required.
export default async function globalSetup(): Promise<void> {
  const available: DatabaseKind[] = []
  const missing: string[] = []
  for (const kind of ALL_KINDS) {
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
