import type { DataSource, QueryRunner } from "typeorm"
import { CommitOutcomeUnknownError } from "../../errors"
import { describeTarget } from "../describe-target"
import type { DriverError, ErrorClassifier } from "../errors/error-classifier"
import { resilienceOf, type ResilienceSettings } from "../resilience-settings"
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
  /** Tells a lost connection from other errors. */
  readonly classifier: ErrorClassifier
  /** The driver refused to send a statement on a connection it knows is closed. */
  neverSent(error: unknown): boolean
  /** The statement(s) that open a transaction (simple protocol: no parameters). */
  beginSql(settings: ResilienceSettings): string
  /**
   * Runs before the first statement of a checkout (once per physical connection, say); no
   * promise when there is nothing to do.
   */
  prepare?(
    client: unknown,
    execute: Executor,
    settings: ResilienceSettings,
  ): Promise<void> | undefined
  /** The server may open a transaction by itself (MySQL with autocommit off). */
  readonly opensTransactions?: boolean
}

// How many fresh connections the first statement of a checkout tries after a lost one: every
// idle connection of the pool may have been closed at once (a pooler or server restart).
const MAX_RECONNECTS = 20

/**
 * PostgreSQL and MySQL/MariaDB: a pooled connection per session, the transaction through the
 * query runner (so TypeORM's state is right), statements straight on the driver's client.
 *
 * A connection that the server or a pooler closed while it sat in the pool fails the first
 * statement sent on it: that statement (BEGIN or a read, nothing written yet) goes again on a
 * fresh connection, so the session never sees it. A COMMIT whose answer the connection lost is
 * a `CommitOutcomeUnknownError`: the server may have committed.
 */
export async function openPooledConnection(
  dataSource: DataSource,
  driver: PooledDriver,
): Promise<Connection> {
  const settings = resilienceOf(dataSource)
  let { queryRunner, client, execute } = await checkout(dataSource, driver)
  let sent = false
  const send: Executor = async (sql, params, wantRows) => {
    if (sent) return execute(sql, params, wantRows)
    for (let attempt = 0; ; attempt++) {
      try {
        const preparing = driver.prepare?.(client, execute, settings)
        if (preparing) await preparing
        const result = await execute(sql, params, wantRows)
        sent = true
        return result
      } catch (error) {
        if (attempt >= MAX_RECONNECTS || !isConnectionLost(driver, error)) {
          sent = true
          throw error
        }
        await releasePooled(queryRunner, driver, true)
        ;({ queryRunner, client, execute } = await checkout(dataSource, driver))
      }
    }
  }
  // A statement sent alone is its own commit: resent on a fresh connection only when the driver
  // refused to send it at all; a connection lost under it leaves its outcome unknown, as a COMMIT's.
  const sendAlone: Executor = async (sql, params) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const preparing = sent ? undefined : driver.prepare?.(client, execute, settings)
        if (preparing) await preparing
        const result = await execute(sql, params, false)
        sent = true
        return result
      } catch (error) {
        if (!isConnectionLost(driver, error)) {
          sent = true
          throw error
        }
        if (attempt >= MAX_RECONNECTS || !driver.neverSent(error)) {
          sent = true
          throw outcomeUnknown(dataSource, "the statement it committed by itself", error)
        }
        await releasePooled(queryRunner, driver, true)
        ;({ queryRunner, client, execute } = await checkout(dataSource, driver))
        sent = false
      }
    }
  }
  // BEGIN/COMMIT/ROLLBACK go straight to the client (TypeORM's transaction methods add event
  // broadcasts and result objects to each); the query runner's flags follow along.
  const control = async (sql: string, active: boolean): Promise<void> => {
    logQuery(dataSource, sql, [])
    await send(sql, [], false)
    markTransaction(queryRunner, active)
  }
  // With autocommit off, a statement that failed opened a transaction all the same (the error
  // does not say so), keeping its locks (a duplicate key's shared lock, say) while the connection
  // sits in the pool. Marked open first, so a ROLLBACK that fails here fails again on release,
  // which then discards the connection.
  const rollBackAlone = async (): Promise<void> => {
    markTransaction(queryRunner, true)
    await control("ROLLBACK", false).catch(() => undefined)
  }
  return {
    get queryRunner() {
      return queryRunner
    },
    get inTransaction() {
      return queryRunner.isTransactionActive
    },
    async begin() {
      if (!queryRunner.isTransactionActive) await control(driver.beginSql(settings), true)
    },
    async run(sql, params) {
      logQuery(dataSource, sql, params)
      return (await send(sql, params, false)).affected
    },
    async runAlone(sql, params) {
      if (queryRunner.isTransactionActive) throw new Error("runAlone inside a transaction")
      logQuery(dataSource, sql, params)
      // The server commits a statement run outside a transaction by itself, unless a MySQL
      // server has autocommit off: then the statement opened one, which is committed here.
      let result: Awaited<ReturnType<Executor>>
      try {
        result = await sendAlone(sql, params, false)
      } catch (error) {
        if (driver.opensTransactions && !isConnectionLost(driver, error)) await rollBackAlone()
        throw error
      }
      if (result.inTransaction) await control("COMMIT", false)
      return result.affected
    },
    async rows(sql, params) {
      logQuery(dataSource, sql, params)
      return (await send(sql, params, true)).rows
    },
    async commit() {
      if (!queryRunner.isTransactionActive) return
      try {
        await control("COMMIT", false)
      } catch (error) {
        // Refused before it was written (a connection known closed): the server rolled back.
        if (driver.neverSent(error) || !isConnectionLost(driver, error)) throw error
        markTransaction(queryRunner, false)
        throw outcomeUnknown(dataSource, "COMMIT", error)
      }
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

async function checkout(
  dataSource: DataSource,
  driver: PooledDriver,
): Promise<{ queryRunner: QueryRunner; client: unknown; execute: Executor }> {
  const queryRunner = dataSource.createQueryRunner("master")
  let client: unknown
  try {
    client = await queryRunner.connect()
  } catch (error) {
    await releasePooled(queryRunner, driver, true)
    throw error
  }
  return { queryRunner, client, execute: driver.executor(client) }
}

function isConnectionLost(driver: PooledDriver, error: unknown): boolean {
  const driverError = (typeof error === "object" && error !== null ? error : {}) as DriverError
  const message = driverError.sqlMessage ?? driverError.message ?? String(error)
  return driver.classifier.isConnectionProblem(driverError, message)
}

function outcomeUnknown(
  dataSource: DataSource,
  what: string,
  error: unknown,
): CommitOutcomeUnknownError {
  return new CommitOutcomeUnknownError(
    `The connection to ${describeTarget(dataSource.options)} was lost after ${what} was sent, so whether the transaction was committed is unknown (${firstLine(error)}); it was not retried: check whether its writes are there before running it again.`,
    { cause: error },
  )
}

function firstLine(error: unknown): string {
  const message = (error as { message?: string } | null)?.message ?? String(error)
  return (message.split("\n")[0] ?? message).replace(/\.$/, "")
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
