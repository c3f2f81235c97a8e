import type { DataSource } from "typeorm"
import { ConnectionError, SessionStateError } from "../errors"
import { openConnection, type Connection, type OpenOptions } from "./drivers/connection"
import type { Dialect } from "./drivers/dialect"
import { translateError } from "./errors/translate-error"
import { markReplicaDown, replicaDataSource, takeReplicaConnection } from "./replica-pools"

interface Held {
  readonly connection: Connection
  /** The replica it came from; undefined on the primary. */
  readonly replica: number | undefined
}

// A hot standby cancels a read that conflicts with the changes it replays (SQLSTATE 40001).
const RECOVERY_CONFLICT = "40001"

/**
 * The connection of a readOnly session: on a replica of `primary` when one answers (in turn),
 * otherwise on the primary. Everything it reads runs in a READ ONLY transaction, and it refuses
 * statements that write. A replica that fails under a read is left out for a while and the read
 * runs again elsewhere (reads change nothing, so running one again is safe).
 */
export async function openReadOnlyConnection(
  primary: DataSource,
  dialect: Dialect,
  options: OpenOptions,
): Promise<Connection> {
  // SQLite: one file, no replicas, no READ ONLY transactions; the session refuses writes itself.
  if (dialect.kind === "sqlite")
    return refusingWrites(await openConnection(primary, dialect, options))
  let held = await openReadOnly(primary, dialect, options)
  return {
    get dataSource() {
      return held.connection.dataSource
    },
    get queryRunner() {
      return held.connection.queryRunner
    },
    get inTransaction() {
      return held.connection.inTransaction
    },
    async begin() {
      if (!held.connection.inTransaction) await beginReadOnly(held.connection)
    },
    run: refuseRun,
    runAlone: refuseRun,
    async rows(sql, params) {
      for (;;) {
        try {
          return await held.connection.rows(sql, params)
        } catch (error) {
          if (held.replica === undefined || !replicaFailed(primary, held.replica, error))
            throw error
          await held.connection.release(true).catch(() => undefined)
          try {
            held = await openReadOnly(primary, dialect, options)
          } catch (reopening) {
            // Only the primary's failure comes out of openReadOnly: named here, because the
            // session would name the server of `held`, the replica just released.
            throw translateError(reopening, primary)
          }
        }
      }
    },
    commit: () => held.connection.commit(),
    rollback: () => held.connection.rollback(),
    release: (broken) => held.connection.release(broken),
  }
}

async function openReadOnly(
  primary: DataSource,
  dialect: Dialect,
  options: OpenOptions,
): Promise<Held> {
  for (;;) {
    const lease = await takeReplicaConnection(primary)
    if (!lease) break
    try {
      await beginReadOnly(lease.connection)
      return { connection: lease.connection, replica: lease.replica }
    } catch (error) {
      // It gave a connection that failed at once (a replica shutting down): try the next.
      markReplicaDown(primary, lease.replica, error)
      await lease.connection.release(true).catch(() => undefined)
    }
  }
  const connection = await openConnection(primary, dialect, options)
  try {
    await beginReadOnly(connection)
  } catch (error) {
    await connection.release(true).catch(() => undefined)
    throw error
  }
  return { connection, replica: undefined }
}

// A READ ONLY transaction: the server then refuses any write itself.
function beginReadOnly(connection: Connection): Promise<void> {
  return connection.begin(true)
}

// A lost connection leaves the replica out for a while; a recovery conflict only moves the read.
function replicaFailed(primary: DataSource, replica: number, error: unknown): boolean {
  if ((error as { code?: unknown } | null)?.code === RECOVERY_CONFLICT) return true
  if (!(translateError(error, replicaDataSource(primary, replica)) instanceof ConnectionError)) {
    return false
  }
  markReplicaDown(primary, replica, error)
  return true
}

function refusingWrites(connection: Connection): Connection {
  return {
    get dataSource() {
      return connection.dataSource
    },
    get queryRunner() {
      return connection.queryRunner
    },
    get inTransaction() {
      return connection.inTransaction
    },
    begin: () => connection.begin(),
    run: refuseRun,
    runAlone: refuseRun,
    rows: (sql, params) => connection.rows(sql, params),
    commit: () => connection.commit(),
    rollback: () => connection.rollback(),
    release: (broken) => connection.release(broken),
  }
}

function refuseRun(sql: string): Promise<number> {
  return Promise.reject(
    new SessionStateError(
      `A readOnly session refused to send "${sql.slice(0, 60)}": it writes nothing; write in a session without { readOnly: true }.`,
    ),
  )
}
