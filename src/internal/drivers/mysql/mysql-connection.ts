import type { DataSource, QueryRunner } from "typeorm"
import type { Connection } from "../connection"
import { openPooledConnection, type Executor, type PooledDriver } from "../pooled-connection"

/** The part of mysql2's (callback) connection that sessions use. */
interface MysqlConnection {
  query(
    options: { sql: string; values: readonly unknown[]; rowsAsArray?: boolean },
    callback: (error: Error | null, result: unknown) => void,
  ): void
  destroy(): void
}

function mysqlExecutor(client: unknown): Executor {
  const connection = client as MysqlConnection
  return (sql, params, wantRows) =>
    new Promise((resolve, reject) => {
      connection.query({ sql, values: params, rowsAsArray: wantRows }, (error, result) => {
        if (error) reject(error)
        else if (wantRows) resolve({ affected: 0, rows: result as unknown[][] })
        else
          resolve({ affected: (result as { affectedRows?: number }).affectedRows ?? 0, rows: [] })
      })
    })
}

// A destroyed mysql2 connection leaves the pool for good; TypeORM's release would return it, so
// the query runner is only marked released.
function discardMysql(queryRunner: QueryRunner): Promise<void> {
  const connection = (queryRunner as unknown as { databaseConnection?: MysqlConnection })
    .databaseConnection
  if (connection) connection.destroy()
  ;(queryRunner as unknown as { isReleased: boolean }).isReleased = true
  return Promise.resolve()
}

const mysqlDriver: PooledDriver = { executor: mysqlExecutor, discard: discardMysql }

export function openMysqlConnection(dataSource: DataSource): Promise<Connection> {
  return openPooledConnection(dataSource, mysqlDriver)
}
