import type { Database } from "better-sqlite3"
import { runWaitingForLock } from "./sqlite-begin"

// Switching a new database file to WAL takes its exclusive lock. When two processes open the
// same new file at once, one can hold a read lock it wants to upgrade while the other waits for
// the exclusive lock; SQLite sees the deadlock and fails one of them with SQLITE_BUSY at once,
// without calling its busy handler. So the switch is retried on timers, as BEGIN IMMEDIATE is:
// the other process finishes its switch, and the retry finds the file in WAL mode already.

/**
 * Puts `db` in WAL mode, retrying on timers while another connection holds the lock the switch
 * needs, for as long as the connection's busy timeout.
 *
 * @throws the last SQLITE_BUSY error when the lock is still held after that, or any other error
 * at once.
 */
export async function switchToWal(db: Database): Promise<void> {
  await runWaitingForLock(db, db.prepare("PRAGMA journal_mode = WAL"), [])
}
