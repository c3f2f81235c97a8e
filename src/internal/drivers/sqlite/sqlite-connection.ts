import type { Database, Statement } from "better-sqlite3"
import type { DataSource, QueryRunner } from "typeorm"
import { ConnectionError } from "../../../errors"
import { AsyncLock } from "../../async-lock"
import { describeTarget } from "../../describe-target"
import type { Connection, OpenOptions } from "../connection"
import { logQuery } from "../log-query"
import { shapeAnchor } from "../../shape-anchor"
import { markTransaction } from "../query-runner-flags"
import { beginImmediate, runWaitingForLock } from "./sqlite-begin"
import {
  LARGE_COMMIT_ROWS,
  startCheckpointer,
  stopCheckpointer,
  type SqliteCheckpointer,
} from "./sqlite-checkpointer"

// One connection per data source (TypeORM shares one query runner), so sessions take turns
// through a FIFO lock held from BEGIN to COMMIT/ROLLBACK. Statements are prepared once.

const STATEMENT_CACHE_SIZE = 500

interface SqliteState {
  readonly lock: AsyncLock
  readonly statements: Map<string, Statement>
  readonly rawStatements: Map<string, Statement>
  /** Its WAL checkpoints' worker; undefined: not started yet; null: none (memory, not WAL). */
  checkpointer?: SqliteCheckpointer | null
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

function databaseOf(dataSource: DataSource): Database {
  return (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection
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
  const db = databaseOf(dataSource)
  const queryRunner = dataSource.createQueryRunner()
  try {
    return await work(db, queryRunner)
  } finally {
    markTransaction(queryRunner, false)
    unlock()
  }
}

/** Stops the WAL checkpoint worker of the data source's connection, before it is closed. */
export async function stopSqliteCheckpointer(dataSource: DataSource): Promise<void> {
  const db = databaseOf(dataSource) as Database | undefined
  if (db) await stopCheckpointer(db)
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

/** The connection, at once when no other session of this process holds it (no promise). */
export function openSqliteConnection(
  dataSource: DataSource,
  options: OpenOptions,
): Connection | Promise<Connection> {
  const state = sqliteState(dataSource)
  const unlock = state.lock.tryAcquire()
  if (unlock) return new SqliteConnection(dataSource, state, unlock)
  return state.lock
    .acquire(
      options.lockTimeoutMs,
      () =>
        new ConnectionError(
          `Waited ${options.lockTimeoutMs} ms for other sessions on ${describeTarget(dataSource.options)}; close or commit every session you open, and do not open a second session inside a first one on SQLite.`,
        ),
    )
    .then((release) => new SqliteConnection(dataSource, state, release))
}

/**
 * The worker that checkpoints after a large transaction's COMMIT (sqlite-checkpointer.ts), started
 * by the first one: a data source that only commits small transactions never runs its thread,
 * its V8 isolate and its connection.
 */
function largeCommitCheckpointer(state: SqliteState, db: Database): SqliteCheckpointer | null {
  if (state.checkpointer === undefined) state.checkpointer = startCheckpointer(db) ?? null
  return state.checkpointer
}

const anchor = shapeAnchor()

// A class, not an object of closures: a session per commit builds one per commit.
class SqliteConnection implements Connection {
  private readonly db: Database
  // TypeORM's runner, built on first use (the manager, listeners, database-generated ids): a
  // session per commit or per read never needs it.
  private runner: QueryRunner | undefined = undefined
  private open = false
  /** Rows the open transaction changed: a large one leaves its checkpoint to the worker. */
  private changed = 0
  private released = false

  constructor(
    readonly dataSource: DataSource,
    private readonly state: SqliteState,
    private readonly unlock: () => void,
  ) {
    this.db = databaseOf(dataSource)
    anchor(dataSource, this)
  }

  get queryRunner(): QueryRunner {
    if (!this.runner) {
      this.runner = this.dataSource.createQueryRunner()
      if (this.open) markTransaction(this.runner, true)
    }
    return this.runner
  }

  get inTransaction(): boolean {
    return this.open
  }

  async begin(): Promise<void> {
    if (this.open) return
    logQuery(this.dataSource, "BEGIN IMMEDIATE", [])
    // IMMEDIATE takes the write lock now: a second process waits here instead of failing
    // later when a read transaction would have to become a write transaction. It waits on
    // timers, not in SQLite's busy handler, which would block the event loop.
    await beginImmediate(this.db, this.prepare("BEGIN IMMEDIATE"))
    this.open = true
    if (this.runner) markTransaction(this.runner, true)
  }

  run(sql: string, params: readonly unknown[]): Promise<number> {
    logQuery(this.dataSource, sql, params)
    const changes = this.prepare(sql).run(...params).changes
    this.changed += changes
    return Promise.resolve(changes)
  }

  runAlone(sql: string, params: readonly unknown[]): Promise<number> {
    if (this.open) return Promise.reject(new Error("runAlone inside a transaction"))
    logQuery(this.dataSource, sql, params)
    // In autocommit the write takes the write lock itself: it waits on timers as BEGIN does.
    return runWaitingForLock(this.db, this.prepare(sql), params)
  }

  rows(sql: string, params: readonly unknown[]): Promise<unknown[][]> {
    logQuery(this.dataSource, sql, params)
    const statement = prepare(this.db, this.state.rawStatements, sql, true)
    return Promise.resolve(statement.all(...params) as unknown[][])
  }

  commit(): Promise<void> {
    this.end("COMMIT")
    return Promise.resolve()
  }

  rollback(): Promise<void> {
    this.end("ROLLBACK")
    return Promise.resolve()
  }

  release(): Promise<void> {
    if (this.released) return Promise.resolve()
    this.released = true
    try {
      this.end("ROLLBACK")
    } finally {
      // Also when ROLLBACK threw: the lock must pass to the next session.
      this.open = false
      if (this.runner) markTransaction(this.runner, false)
      this.unlock()
    }
    return Promise.resolve()
  }

  private prepare(sql: string): Statement {
    return prepare(this.db, this.state.statements, sql, false)
  }

  private end(sql: "COMMIT" | "ROLLBACK"): void {
    if (!this.open) return
    logQuery(this.dataSource, sql, [])
    // A failed statement can make SQLite roll back on its own; then there is nothing to end.
    if (this.db.inTransaction) {
      const statement = this.prepare(sql)
      const checkpointer =
        sql === "COMMIT" && this.changed >= LARGE_COMMIT_ROWS
          ? largeCommitCheckpointer(this.state, this.db)
          : null
      if (checkpointer) {
        checkpointer.commitLarge(() => statement.run())
      } else {
        statement.run()
      }
    }
    this.open = false
    this.changed = 0
    if (this.runner) markTransaction(this.runner, false)
  }
}
