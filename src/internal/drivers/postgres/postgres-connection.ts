import type { DataSource, QueryRunner } from "typeorm"
import type { Connection } from "../connection"
import { openPooledConnection, type Executor, type PooledDriver } from "../pooled-connection"

/** The part of node-postgres' client that sessions use. */
interface PgClient {
  query(config: { text: string; values: readonly unknown[]; rowMode?: "array" }): Promise<{
    rowCount: number | null
    rows: unknown[][]
  }>
}

function postgresExecutor(client: unknown): Executor {
  const pg = client as PgClient
  return async (sql, params, wantRows) => {
    const result = await pg.query(
      wantRows ? { text: sql, values: params, rowMode: "array" } : { text: sql, values: params },
    )
    return { affected: result.rowCount ?? 0, rows: result.rows }
  }
}

// Releasing with an error makes pg-pool destroy the client instead of reusing it.
async function discardPostgres(queryRunner: QueryRunner): Promise<void> {
  const pg = queryRunner as unknown as { releasePostgresConnection(error?: Error): Promise<void> }
  await pg.releasePostgresConnection(new Error("connection discarded after a failure"))
}

const postgresDriver: PooledDriver = { executor: postgresExecutor, discard: discardPostgres }

export function openPostgresConnection(dataSource: DataSource): Promise<Connection> {
  return openPooledConnection(dataSource, postgresDriver)
}
