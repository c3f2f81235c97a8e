import type { Database, Statement } from "better-sqlite3"

// Waiting for another process's write lock inside SQLite's busy handler blocks the thread, and
// with it the event loop, for up to the busy timeout (5 s by default). BEGIN IMMEDIATE is the
// statement that waits for that lock, so it runs with the busy timeout off and is retried on
// timers until the same total time has passed; the process stays responsive meanwhile.
//
// Every other statement keeps the busy timeout, and none of them waits for another writer in
// practice: the database is in WAL mode, where readers never wait for writers; writes and COMMIT
// run inside BEGIN IMMEDIATE, which already holds the write lock (an automatic checkpoint after
// COMMIT is PASSIVE and never waits). What is left is SQLite's recovery of a WAL index after a
// crash, which is short.

/** The longest pause between two attempts. */
const MAX_PAUSE_MS = 20

const busyTimeouts = new WeakMap<Database, number>()

/**
 * Runs BEGIN IMMEDIATE (`begin`) on `db`, retrying on timers while another connection holds
 * the write lock, for as long as the connection's busy timeout.
 *
 * @throws the last SQLITE_BUSY error when the lock is still held after that (translated by the
 * session into a `ConnectionError` about the busy timeout), or any other error at once.
 */
export async function beginImmediate(db: Database, begin: Statement): Promise<void> {
  const timeoutMs = busyTimeoutOf(db)
  const deadline = performance.now() + timeoutMs
  let pause = 1
  for (;;) {
    if (tryBegin(db, begin)) return
    const left = deadline - performance.now()
    if (left <= 0) {
      // Once more with the whole busy handler off, to throw SQLite's own SQLITE_BUSY error.
      withoutBusyTimeout(db, timeoutMs, () => begin.run())
      return
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)))
    pause = Math.min(pause * 2, MAX_PAUSE_MS)
  }
}

// True when the transaction began; false when another connection holds the write lock.
function tryBegin(db: Database, begin: Statement): boolean {
  const timeoutMs = busyTimeoutOf(db)
  try {
    withoutBusyTimeout(db, timeoutMs, () => begin.run())
    return true
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) return false
    throw error
  }
}

function withoutBusyTimeout(db: Database, timeoutMs: number, run: () => unknown): void {
  if (timeoutMs === 0) {
    run()
    return
  }
  db.pragma("busy_timeout = 0")
  try {
    run()
  } finally {
    db.pragma(`busy_timeout = ${timeoutMs}`)
  }
}

// The connection's busy timeout, as the data source set it (read once per connection).
function busyTimeoutOf(db: Database): number {
  let timeout = busyTimeouts.get(db)
  if (timeout === undefined) {
    timeout = Number(db.pragma("busy_timeout", { simple: true }))
    busyTimeouts.set(db, timeout)
  }
  return timeout
}
