import type { DataSource } from "typeorm"
import type { Connection } from "../connection"
import type { ResilienceSettings } from "../../resilience-settings"
import {
  openPooledConnection,
  type Checkout,
  type Executor,
  type PooledDriver,
} from "../pooled-connection"
import { mysqlErrorClassifier } from "./mysql-error-classifier"

type QueryOptions = { sql: string; values: readonly unknown[]; rowsAsArray?: boolean }
type Callback = (error: Error | null, result: unknown) => void

/** mysql2's `createQuery` (a static of its connection classes, exported by the package too). */
type CreateQuery = (
  sql: string,
  values: readonly unknown[],
  callback: Callback,
  options: { readonly rowsAsArray: boolean },
) => object

/** The part of mysql2's (callback) connection that sessions use. */
interface MysqlConnection {
  query(sql: string, values: readonly unknown[], callback: Callback): void
  query(options: QueryOptions, callback: Callback): void
  /** Runs a query command `createQuery` built. */
  query(command: object): void
  execute(options: QueryOptions, callback: Callback): void
  /** Back to the pool. */
  release(): void
  /** Closed, and out of the pool for good. */
  destroy(): void
}

// Text past which a statement goes through the binary protocol (`execute`: a server-side
// prepared statement) instead of `query`, which escapes values on the client: escaping may double
// a value (every `"` and `\` gains a backslash) and push a row the server's packet holds over it.
const LARGE_TEXT_UNITS = 256 * 1024

// Parameters from which a statement (a multi-row write) goes through the binary protocol too:
// `query` escapes every value into a string of its own and joins them into one statement string,
// which lives until the server answers and so outlives scavenges. A 100,000-row commit on MariaDB
// left 10 MiB of them in the old generation, and its peak RSS was 5-20 MiB higher (and the commit
// a second slower) than with its values written straight into the packet.
const MANY_PARAMETERS = 1000

/**
 * Whether a statement goes through the binary protocol: its string parameters are large enough
 * to be sent unescaped, or it has many parameters.
 */
export function sendsUnescaped(params: readonly unknown[]): boolean {
  if (params.length >= MANY_PARAMETERS) return true
  let units = 0
  for (const value of params) {
    if (typeof value === "string" && (units += value.length) > LARGE_TEXT_UNITS) return true
  }
  return false
}

// The server-status flag of an OK packet that says a transaction is open.
const SERVER_STATUS_IN_TRANS = 1

const ROWS_AS_ARRAYS = Object.freeze({ rowsAsArray: true })

const executeMysql: Executor = (client, sql, params, wantRows) => {
  const connection = client as MysqlConnection
  return new Promise((resolve, reject) => {
    const callback: Callback = (error, result) => {
      if (error) reject(error)
      else if (wantRows) resolve({ affected: 0, rows: result as unknown[][] })
      else {
        const header = result as { affectedRows?: number; serverStatus?: number }
        resolve({
          affected: header.affectedRows ?? 0,
          rows: [],
          inTransaction: ((header.serverStatus ?? 0) & SERVER_STATUS_IN_TRANS) !== 0,
        })
      }
    }
    if (sendsUnescaped(params)) {
      connection.execute({ sql, values: params, rowsAsArray: wantRows }, callback)
      return
    }
    // Options given as an object are merged into the command's by object spreads (1.3-2.8 µs a
    // statement, against 0.1 µs for text and values): rows as arrays come from a command built
    // with them, the rest goes as text and values.
    const create = wantRows
      ? (connection.constructor as { createQuery?: CreateQuery }).createQuery
      : undefined
    if (create) connection.query(create(sql, params, callback, ROWS_AS_ARRAYS))
    else if (wantRows) connection.query({ sql, values: params, rowsAsArray: true }, callback)
    else connection.query(sql, params, callback)
  })
}

/** What a checkout needs of TypeORM's MysqlDriver. */
interface MysqlDriver {
  obtainMasterConnection(): Promise<unknown>
}

// A connection of the data source's pool. TypeORM keeps no list of connected query runners for
// MySQL: `destroy()` ends the pool's connections, those checked out too.
class MysqlCheckout implements Checkout {
  private released = false

  constructor(readonly client: MysqlConnection) {}

  release(broken: boolean): void {
    if (this.released) return
    this.released = true
    if (broken) this.client.destroy()
    else this.client.release()
  }
}

// TypeORM's checkout: the pool (or the pool cluster's MASTER), with a listener that logs a
// connection's errors instead of letting them end the process.
async function checkoutMysql(dataSource: DataSource): Promise<Checkout> {
  const driver = dataSource.driver as unknown as MysqlDriver
  return new MysqlCheckout((await driver.obtainMasterConnection()) as MysqlConnection)
}

// The physical connections whose session statement timeout is set.
const timed = new WeakSet<object>()

// Per session: direct connections only (MySQL-family poolers are not supported). MariaDB counts
// max_statement_time in seconds; MySQL has max_execution_time (milliseconds, SELECTs only).
// No promise when the connection's timeout is set already (every checkout but its first).
function setStatementTimeout(
  client: unknown,
  settings: ResilienceSettings,
): Promise<void> | undefined {
  if (settings.statementTimeoutMs <= 0 || timed.has(client as object)) return undefined
  return sendStatementTimeout(client, settings)
}

async function sendStatementTimeout(
  client: unknown,
  { statementTimeoutMs }: ResilienceSettings,
): Promise<void> {
  try {
    await executeMysql(
      client,
      `SET SESSION max_statement_time = ${statementTimeoutMs / 1000}`,
      [],
      false,
    )
  } catch (error) {
    // ER_UNKNOWN_SYSTEM_VARIABLE: MySQL.
    if ((error as { errno?: number }).errno !== 1193) throw error
    await executeMysql(client, `SET SESSION max_execution_time = ${statementTimeoutMs}`, [], false)
  }
  timed.add(client as object)
}

const mysqlDriver: PooledDriver = {
  checkout: checkoutMysql,
  execute: executeMysql,
  classifier: mysqlErrorClassifier,
  neverSent: (error) =>
    /Can't add new command when connection is in closed state/.test(
      (error as Error | null)?.message ?? "",
    ),
  beginSql: (_settings, readOnly) =>
    readOnly ? "START TRANSACTION READ ONLY" : "START TRANSACTION",
  prepare: setStatementTimeout,
  // A server (or an application) may set autocommit = 0: every statement then opens one.
  opensTransactions: true,
}

export function openMysqlConnection(dataSource: DataSource): Promise<Connection> {
  return openPooledConnection(dataSource, mysqlDriver)
}
