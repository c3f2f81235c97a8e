import type { DataSource, QueryRunner } from "typeorm"
import type { Connection } from "./connection"
import { logQuery } from "./log-query"
import { markTransaction } from "./query-runner-flags"

/**
 * Runs one statement on a pooled client: the affected row count, or the rows as arrays, and
 * whether the server says a transaction is open after it (MySQL reports it; PostgreSQL never
 * opens one by itself).
 */
export type Executor = (
  sql: string,
  params: readonly unknown[],
  wantRows: boolean,
) => Promise<{ affected: number; rows: unknown[][]; inTransaction?: boolean }>

/** What differs per server database behind a pooled connection. */
export interface PooledDriver {
  /** Runs statements on the client `queryRunner.connect()` returned. */
  executor(client: unknown): Executor
  /** Closes the connection of a failed query runner so that it never goes back to the pool. */
  discard(queryRunner: QueryRunner): Promise<void>
}

/**
 * PostgreSQL and MySQL/MariaDB: a pooled connection per session, the transaction through the
 * query runner (so TypeORM's state is right), statements straight on the driver's client.
 */
export async function openPooledConnection(
  dataSource: DataSource,
  driver: PooledDriver,
): Promise<Connection> {
  const queryRunner = dataSource.createQueryRunner("master")
  let client: unknown
  try {
    client = await queryRunner.connect()
  } catch (error) {
    await releasePooled(queryRunner, driver, true)
    throw error
  }
  const execute = driver.executor(client)
  // BEGIN/COMMIT/ROLLBACK go straight to the client (TypeORM's transaction methods add event
  // broadcasts and result objects to each); the query runner's flags follow along.
  const control = async (sql: string, active: boolean): Promise<void> => {
    logQuery(dataSource, sql, [])
    await execute(sql, [], false)
    markTransaction(queryRunner, active)
  }
  return {
    queryRunner,
    get inTransaction() {
      return queryRunner.isTransactionActive
    },
    async begin() {
      if (!queryRunner.isTransactionActive) await control("START TRANSACTION", true)
    },
    async run(sql, params) {
      logQuery(dataSource, sql, params)
      return (await execute(sql, params, false)).affected
    },
    async runAlone(sql, params) {
      if (queryRunner.isTransactionActive) throw new Error("runAlone inside a transaction")
      logQuery(dataSource, sql, params)
      // The server commits a statement run outside a transaction by itself, unless a MySQL
      // server has autocommit off: then the statement opened one, which is committed here.
      const result = await execute(sql, params, false)
      if (result.inTransaction) await control("COMMIT", false)
      return result.affected
    },
    async rows(sql, params) {
      logQuery(dataSource, sql, params)
      return (await execute(sql, params, true)).rows
    },
    async commit() {
      if (queryRunner.isTransactionActive) await control("COMMIT", false)
    },
    async rollback() {
      if (queryRunner.isTransactionActive) await control("ROLLBACK", false)
    },
    async release(broken = false) {
      if (!broken && queryRunner.isTransactionActive && !queryRunner.isReleased) {
        try {
          await control("ROLLBACK", false)
        } catch {
          broken = true
        }
      }
      markTransaction(queryRunner, false)
      await releasePooled(queryRunner, driver, broken)
    },
  }
}

async function releasePooled(
  queryRunner: QueryRunner,
  driver: PooledDriver,
  broken: boolean,
): Promise<void> {
  if (queryRunner.isReleased) return
  // A connection that failed mid-transaction must not go back to the pool.
  if (broken) await driver.discard(queryRunner)
  else await queryRunner.release()
}
