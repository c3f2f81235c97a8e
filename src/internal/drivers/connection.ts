import type { DataSource, QueryRunner } from "typeorm"
import type { Dialect } from "./dialect"
import { openMysqlConnection } from "./mysql/mysql-connection"
import { openPostgresConnection } from "./postgres/postgres-connection"
import { openSqliteConnection } from "./sqlite/sqlite-connection"

/**
 * The connection a session works on, below TypeORM's query runner on purpose: the session
 * writes its own SQL and needs neither TypeORM's result objects nor its per-query event hooks.
 * Reads before the first write run without a transaction (each sees the latest committed data,
 * as under PostgreSQL's default READ COMMITTED); `begin` opens the transaction the writes need.
 * The query runner is kept in step (it knows when a transaction is open), so `session.manager`
 * works inside the same transaction.
 */
export interface Connection {
  /** The data source it belongs to (a read replica's, for a readOnly session on one). */
  readonly dataSource: DataSource
  /** TypeORM's query runner on this connection (on a server database, built on first use). */
  readonly queryRunner: QueryRunner
  readonly inTransaction: boolean
  /**
   * Opens the transaction, if none is open. `readOnly` (PostgreSQL, MySQL): a READ ONLY one, in
   * which the server refuses writes; one already open is made read-only. SQLite ignores it.
   */
  begin(readOnly?: boolean): Promise<void>
  run(sql: string, params: readonly unknown[]): Promise<number>
  /**
   * Runs one write with no transaction open, in autocommit: the database commits it by itself,
   * all or nothing, in one round trip. On SQLite it waits for another connection's write lock on
   * timers, as `begin` does. Returns the affected row count.
   */
  runAlone(sql: string, params: readonly unknown[]): Promise<number>
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

/** The connection; on SQLite without a promise when the connection is free. */
export function openConnection(
  dataSource: DataSource,
  dialect: Dialect,
  options: OpenOptions,
): Connection | Promise<Connection> {
  switch (dialect.kind) {
    case "sqlite":
      return openSqliteConnection(dataSource, options)
    case "postgres":
      return openPostgresConnection(dataSource)
    case "mysql":
      return openMysqlConnection(dataSource)
  }
}
