import type { Database, Statement } from "better-sqlite3"
import type { DataSource, QueryRunner } from "typeorm"
import { describeTarget } from "./describe-target"
import { ConnectionError } from "../errors"
import { AsyncLock } from "./async-lock"
import type { Dialect } from "./drivers/dialect"

/**
 * The connection a session works on, below TypeORM's query runner on purpose: the session
 * writes its own SQL and needs neither TypeORM's result objects nor its per-query event hooks.
 * Reads before the first write run without a transaction (each sees the latest committed data,
 * as under PostgreSQL's default READ COMMITTED); `begin` opens the transaction the writes need.
 * The query runner is kept in step (it knows when a transaction is open), so `session.manager`
 * works inside the same transaction.
 */
export interface Connection {
  readonly queryRunner: QueryRunner
  readonly inTransaction: boolean
  begin(): Promise<void>
  run(sql: string, params: readonly unknown[]): Promise<number>
  rows(sql: string, params: readonly unknown[]): Promise<unknown[][]>
  /** Commits the open transaction, if there is one. */
  commit(): Promise<void>
  /** Rolls back the open transaction, if there is one. */
  rollback(): Promise<void>
  /** Rolls back what is open and gives the connection back; a `broken` one is discarded. */
  release(broken?: boolean): Promise<void>
}

export interface OpenOptions {
  /** SQLite: how long to wait for the sessions ahead of this one. */
  readonly lockTimeoutMs: number
}

export function openConnection(
  dataSource: DataSource,
  dialect: Dialect,
  options: OpenOptions,
): Promise<Connection> {
  if (dialect.kind === "sqlite") return openSqlite(dataSource, options)
  return openPooled(dataSource, dialect)
}

function logQuery(dataSource: DataSource, sql: string, params: readonly unknown[]): void {
  if (dataSource.options.logging) dataSource.logger.logQuery(sql, params as unknown[])
}

// ---------------------------------------------------------------------------------------------
// SQLite: one connection per data source (TypeORM shares one query runner), so sessions take
// turns through a FIFO lock held from BEGIN to COMMIT/ROLLBACK. Statements are prepared once.

const STATEMENT_CACHE_SIZE = 500

interface SqliteState {
  readonly lock: AsyncLock
  readonly statements: Map<string, Statement>
  readonly rawStatements: Map<string, Statement>
}

const sqliteStates = new WeakMap<DataSource, SqliteState>()

function sqliteState(dataSource: DataSource): SqliteState {
  let state = sqliteStates.get(dataSource)
  if (!state) {
    state = { lock: new AsyncLock(), statements: new Map(), rawStatements: new Map() }
    sqliteStates.set(dataSource, state)
  }
  return state
}

/**
 * Runs `work` holding the SQLite connection of this data source, as a session does: no session
 * of this process runs in between (migrations use this).
 */
export async function withSqliteConnection<T>(
  dataSource: DataSource,
  timeoutMs: number,
  work: (db: Database, queryRunner: QueryRunner) => Promise<T>,
): Promise<T> {
  const unlock = await sqliteState(dataSource).lock.acquire(
    timeoutMs,
    () =>
      new ConnectionError(
        `Waited ${timeoutMs} ms for the sessions on ${describeTarget(dataSource.options)} to finish.`,
      ),
  )
  const db = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection
  const queryRunner = dataSource.createQueryRunner()
  const flags = queryRunner as unknown as TransactionFlags
  try {
    return await work(db, queryRunner)
  } finally {
    flags.isTransactionActive = false
    flags.transactionDepth = 0
    unlock()
  }
}

/** Marks TypeORM's query runner as inside (or outside) a transaction opened by hand. */
export function markTransaction(queryRunner: QueryRunner, active: boolean): void {
  const flags = queryRunner as unknown as TransactionFlags
  flags.isTransactionActive = active
  flags.transactionDepth = active ? 1 : 0
}

function prepare(
  db: Database,
  cache: Map<string, Statement>,
  sql: string,
  raw: boolean,
): Statement {
  let statement = cache.get(sql)
  if (statement) return statement
  statement = db.prepare(sql)
  if (raw) statement.raw(true)
  if (cache.size >= STATEMENT_CACHE_SIZE) {
    const oldest = cache.keys().next().value
    if (oldest !== undefined) cache.delete(oldest)
  }
  cache.set(sql, statement)
  return statement
}

// TypeORM keeps these on the query runner; `transactionDepth` is protected, so it is reached
// through this view. With both set, `manager.save()` inside the session joins the transaction
// and `manager.transaction()` nests with a savepoint instead of starting a second one.
interface TransactionFlags {
  isTransactionActive: boolean
  transactionDepth: number
}

async function openSqlite(dataSource: DataSource, options: OpenOptions): Promise<Connection> {
  const state = sqliteState(dataSource)
  const unlock = await state.lock.acquire(
    options.lockTimeoutMs,
    () =>
      new ConnectionError(
        `Waited ${options.lockTimeoutMs} ms for other sessions on ${describeTarget(dataSource.options)}; close or commit every session you open, and do not open a second session inside a first one on SQLite.`,
      ),
  )
  const db = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection
  const queryRunner = dataSource.createQueryRunner()
  const flags = queryRunner as unknown as TransactionFlags
  let open = false
  let released = false
  const end = (sql: "COMMIT" | "ROLLBACK"): void => {
    if (!open) return
    logQuery(dataSource, sql, [])
    // A failed statement can make SQLite roll back on its own; then there is nothing to end.
    if (db.inTransaction) prepare(db, state.statements, sql, false).run()
    open = false
    flags.isTransactionActive = false
    flags.transactionDepth = 0
  }
  return {
    queryRunner,
    get inTransaction() {
      return open
    },
    begin() {
      if (open) return Promise.resolve()
      logQuery(dataSource, "BEGIN IMMEDIATE", [])
      // IMMEDIATE takes the write lock now: a second process waits (busy timeout) here instead
      // of failing later when a read transaction would have to become a write transaction.
      prepare(db, state.statements, "BEGIN IMMEDIATE", false).run()
      open = true
      flags.isTransactionActive = true
      flags.transactionDepth = 1
      return Promise.resolve()
    },
    run(sql, params) {
      logQuery(dataSource, sql, params)
      return Promise.resolve(prepare(db, state.statements, sql, false).run(...params).changes)
    },
    rows(sql, params) {
      logQuery(dataSource, sql, params)
      return Promise.resolve(
        prepare(db, state.rawStatements, sql, true).all(...params) as unknown[][],
      )
    },
    commit() {
      end("COMMIT")
      return Promise.resolve()
    },
    rollback() {
      end("ROLLBACK")
      return Promise.resolve()
    },
    release() {
      if (released) return Promise.resolve()
      released = true
      try {
        end("ROLLBACK")
      } finally {
        open = false
        flags.isTransactionActive = false
        flags.transactionDepth = 0
        unlock()
      }
      return Promise.resolve()
    },
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL and MySQL/MariaDB: a pooled connection per session, the transaction through the
// query runner (so TypeORM's state is right), statements straight on the driver's client.

interface PgClient {
  query(config: { text: string; values: readonly unknown[]; rowMode?: "array" }): Promise<{
    rowCount: number | null
    rows: unknown[][]
  }>
}

interface MysqlConnection {
  query(
    options: { sql: string; values: readonly unknown[]; rowsAsArray?: boolean },
    callback: (error: Error | null, result: unknown) => void,
  ): void
  destroy(): void
}

async function openPooled(dataSource: DataSource, dialect: Dialect): Promise<Connection> {
  const queryRunner = dataSource.createQueryRunner("master")
  let client: unknown
  try {
    client = await queryRunner.connect()
  } catch (error) {
    await releasePooled(queryRunner, dialect, true)
    throw error
  }
  const execute =
    dialect.kind === "postgres"
      ? pgExecutor(client as PgClient)
      : mysqlExecutor(client as MysqlConnection)
  const flags = queryRunner as unknown as TransactionFlags
  // BEGIN/COMMIT/ROLLBACK go straight to the client (TypeORM's transaction methods add event
  // broadcasts and result objects to each); the query runner's flags follow along.
  const control = async (sql: string, active: boolean): Promise<void> => {
    logQuery(dataSource, sql, [])
    await execute(sql, [], false)
    flags.isTransactionActive = active
    flags.transactionDepth = active ? 1 : 0
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
      flags.isTransactionActive = false
      flags.transactionDepth = 0
      await releasePooled(queryRunner, dialect, broken)
    },
  }
}

type Executor = (
  sql: string,
  params: readonly unknown[],
  wantRows: boolean,
) => Promise<{ affected: number; rows: unknown[][] }>

function pgExecutor(client: PgClient): Executor {
  return async (sql, params, wantRows) => {
    const result = await client.query(
      wantRows ? { text: sql, values: params, rowMode: "array" } : { text: sql, values: params },
    )
    return { affected: result.rowCount ?? 0, rows: result.rows }
  }
}

function mysqlExecutor(connection: MysqlConnection): Executor {
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

async function releasePooled(
  queryRunner: QueryRunner,
  dialect: Dialect,
  broken: boolean,
): Promise<void> {
  if (queryRunner.isReleased) return
  if (!broken) {
    await queryRunner.release()
    return
  }
  // A connection that failed mid-transaction must not go back to the pool.
  if (dialect.kind === "postgres") {
    const pg = queryRunner as unknown as { releasePostgresConnection(error?: Error): Promise<void> }
    await pg.releasePostgresConnection(new Error("connection discarded after a failure"))
    return
  }
  const connection = (queryRunner as unknown as { databaseConnection?: MysqlConnection })
    .databaseConnection
  if (connection) connection.destroy()
  ;(queryRunner as unknown as { isReleased: boolean }).isReleased = true
}
