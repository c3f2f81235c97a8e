import type { DataSource, Migration } from "typeorm"
import { DriverUtils } from "typeorm/driver/DriverUtils"
import { describeTarget } from "./data-source-options"
import { ConnectionError, ForeignKeyViolationError } from "./errors"
import { markTransaction } from "./internal/drivers/query-runner-flags"
import { withSqliteConnection } from "./internal/drivers/sqlite/sqlite-connection"
import { translateError } from "./internal/errors/translate-error"
import {
  finishInterruptedMigrations,
  prepareInterruptedMigrations,
} from "./internal/interrupted-migrations"

/** Options of `migrate`. */
export interface MigrateOptions {
  /** How long to wait for another process that is migrating the same database. Default 60 s. */
  readonly lockTimeoutMs?: number
}

// Any fixed number: the key of the PostgreSQL advisory lock that migrations take.
const PG_LOCK_KEY = 417_262_031

/**
 * Applies the pending migrations of an initialized data source and returns those it ran.
 * Safe to call from several processes at once: the first takes a database-wide lock (a
 * transaction-scoped advisory lock on PostgreSQL, which holds behind PgBouncer too; GET_LOCK on
 * MySQL; the write lock on SQLite) and the others wait, then find nothing pending. Running it
 * again is a no-op. On MySQL/MariaDB, where DDL is not transactional, a built-in migration (or
 * any `ResumableMigration`) that a crash interrupted is taken back and run again by the next call.
 *
 * @example
 * const dataSource = createDataSource()
 * await dataSource.initialize()
 * const ran = await migrate(dataSource) // [] when the schema is current
 */
export async function migrate(
  dataSource: DataSource,
  options: MigrateOptions = {},
): Promise<Migration[]> {
  try {
    return await withMigrationLock(dataSource, options, async () => {
      // MySQL-family DDL is not transactional: what an interrupted migration created stays, so
      // it is taken back first (see `prepareInterruptedMigrations`) and the migration runs again.
      const mysqlFamily = DriverUtils.isMySQLFamily(dataSource.driver)
      if (mysqlFamily) await prepareInterruptedMigrations(dataSource)
      const ran = await dataSource.runMigrations({ transaction: "each" })
      if (mysqlFamily) await finishInterruptedMigrations(dataSource)
      return ran
    })
  } catch (error) {
    throw translateError(error, dataSource)
  }
}

/**
 * Runs `work` (a change of the schema) under the database-wide lock `migrate` takes, so that it
 * never overlaps another process's migrations: on SQLite inside one IMMEDIATE transaction with
 * foreign keys off (see `inSqliteMigration`), on PostgreSQL under an advisory lock, on MySQL
 * under GET_LOCK.
 *
 * @example
 * await withMigrationLock(dataSource, {}, () => dataSource.undoLastMigration())
 */
export function withMigrationLock<T>(
  dataSource: DataSource,
  options: MigrateOptions,
  work: () => Promise<T>,
): Promise<T> {
  const timeoutMs = options.lockTimeoutMs ?? 60_000
  if (dataSource.options.type === "better-sqlite3")
    return inSqliteMigration(dataSource, timeoutMs, work)
  if (dataSource.options.type === "postgres") return underPostgresLock(dataSource, work)
  if (DriverUtils.isMySQLFamily(dataSource.driver))
    return underMysqlLock(dataSource, timeoutMs, work)
  return work()
}

/**
 * Runs `work` (TypeORM's migration API) on an SQLite data source inside one IMMEDIATE
 * transaction, holding the data source's connection, with foreign keys off until the end.
 *
 * Foreign keys are off as SQLite's procedure for schema changes requires: SQLite changes a table
 * (a new column, say) by building a copy and dropping the original, and with foreign keys on,
 * dropping `user` deletes every row that refers to a user (ON DELETE CASCADE). TypeORM turns
 * them off itself, but the pragma only takes effect outside a transaction, and here the
 * transaction is open already (TypeORM's own revert opens it first, too): so this happens before
 * BEGIN, and foreign_key_check verifies the result before COMMIT.
 */
export function inSqliteMigration<T>(
  dataSource: DataSource,
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<T> {
  return withSqliteConnection(dataSource, timeoutMs, async (db, queryRunner) => {
    const foreignKeys = db.pragma("foreign_keys", { simple: true }) as number
    db.pragma("foreign_keys = OFF")
    try {
      await beginImmediate(db, timeoutMs, dataSource)
      markTransaction(queryRunner, true)
      try {
        const result = await work()
        const dangling = db.pragma("foreign_key_check") as Array<{ table: string }>
        if (dangling.length > 0) {
          const tables = [...new Set(dangling.map((row) => row.table))].join(", ")
          throw new ForeignKeyViolationError(
            `The migration left ${dangling.length} row(s) of ${tables} referring to rows that do not exist; it was rolled back.`,
            { table: dangling[0]!.table },
          )
        }
        db.exec("COMMIT")
        return result
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK")
        throw error
      } finally {
        markTransaction(queryRunner, false)
      }
    } finally {
      db.pragma(`foreign_keys = ${foreignKeys ? "ON" : "OFF"}`)
    }
  })
}

async function beginImmediate(
  db: {
    pragma(source: string, options?: { simple: boolean }): unknown
    exec(sql: string): unknown
  },
  timeoutMs: number,
  dataSource: DataSource,
): Promise<void> {
  const busyTimeout = db.pragma("busy_timeout", { simple: true }) as number
  const deadline = Date.now() + timeoutMs
  db.pragma("busy_timeout = 0")
  try {
    for (;;) {
      try {
        db.exec("BEGIN IMMEDIATE")
        return
      } catch (error) {
        if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) {
          if ((error as { code?: string }).code === "SQLITE_BUSY") {
            throw new ConnectionError(
              `Waited ${timeoutMs} ms for another process migrating ${describeTarget(dataSource.options)}; try again when it has finished.`,
              { cause: error },
            )
          }
          throw error
        }
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    }
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`)
  }
}

// The lock belongs to a transaction held open on a connection of its own while `work` runs:
// nothing outlives a transaction, so it holds behind a transaction pooler (PgBouncer), where a
// session-level advisory lock would stay on whichever server connection took it, and its unlock
// could go to another one. COMMIT (or the connection's end) releases it.
async function underPostgresLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const lock = dataSource.createQueryRunner("master")
  let open = false
  try {
    await lock.query("START TRANSACTION")
    open = true
    // Waits for another process's migrations. The lock's transaction sits idle while they run.
    await lock.query("SET LOCAL idle_in_transaction_session_timeout = 0")
    await lock.query("SELECT pg_advisory_xact_lock($1)", [PG_LOCK_KEY])
    try {
      return await work()
    } finally {
      // The transaction wrote nothing: should COMMIT fail, dropping the connection ends it too.
      await lock.query("COMMIT").then(
        () => (open = false),
        () => undefined,
      )
    }
  } finally {
    // A connection whose transaction may still be open never goes back to the pool.
    const pg = lock as unknown as { releasePostgresConnection?(error?: Error): Promise<void> }
    if (open && !lock.isReleased && pg.releasePostgresConnection) {
      await pg.releasePostgresConnection(new Error("migration lock connection discarded"))
    } else await lock.release()
  }
}

async function underMysqlLock<T>(
  dataSource: DataSource,
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const lock = dataSource.createQueryRunner("master")
  // GET_LOCK names are server-wide; the database name keeps databases apart.
  const name = `concrete_db_migrate:${String(dataSource.options.database)}`.slice(0, 64)
  try {
    const rows = (await lock.query("SELECT GET_LOCK(?, ?) AS acquired", [
      name,
      Math.ceil(timeoutMs / 1000),
    ])) as Array<{ acquired: number | string | null }>
    if (Number(rows[0]?.acquired) !== 1) {
      throw new ConnectionError(
        `Waited ${timeoutMs} ms for another process migrating ${describeTarget(dataSource.options)}; try again when it has finished.`,
      )
    }
    try {
      return await work()
    } finally {
      await lock.query("SELECT RELEASE_LOCK(?)", [name])
    }
  } finally {
    await lock.release()
  }
}
