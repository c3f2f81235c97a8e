import type { Database, Statement } from "better-sqlite3"

// Waiting for another process's write lock inside SQLite's busy handler blocks the thread, and
// with it the event loop, for up to the busy timeout (5 s by default). The statements that wait
// for that lock are BEGIN IMMEDIATE, a write run alone in autocommit (a commit of one
// statement) and the switch of a new file to WAL (sqlite-wal-mode.ts), so they run with the busy
// timeout off and are retried on timers until the same total time has passed; the process stays
// responsive meanwhile.
//
// Every other statement keeps the busy timeout, and none of them waits for another writer in
// practice: the database is in WAL mode, where readers never wait for writers; writes and COMMIT
// run inside BEGIN IMMEDIATE, which already holds the write lock (an automatic checkpoint after
// COMMIT is PASSIVE and never waits). What is left is SQLite's recovery of a WAL index after a
// crash, which is short.

/** The longest pause between two attempts. */
const MAX_PAUSE_MS = 20

// The busy timeout is switched off and on around each attempt with `db.exec`, five times cheaper
// than `db.pragma` (which wraps a new statement object on every call: 8% of a one-row commit).
// A prepared PRAGMA cannot be kept instead: SQLite applies `busy_timeout = n` when the statement
// is prepared, not when it runs.
interface BusyTimeout {
  readonly ms: number
  readonly db: Database
  readonly restore: string
}

const busyTimeouts = new WeakMap<Database, BusyTimeout>()

/**
 * Runs BEGIN IMMEDIATE (`begin`) on `db`, retrying on timers while another connection holds
 * the write lock, for as long as the connection's busy timeout.
 *
 * @throws the last SQLITE_BUSY error when the lock is still held after that (translated by the
 * session into a `ConnectionError` about the busy timeout), or any other error at once.
 */
export async function beginImmediate(db: Database, begin: Statement): Promise<void> {
  await runWaitingForLock(db, begin, [])
}

/**
 * Runs a statement that takes the write lock (BEGIN IMMEDIATE, or a write in autocommit) and
 * returns its count of changed rows; while another connection holds the lock it is retried on
 * timers, for as long as the connection's busy timeout. A statement that met SQLITE_BUSY did
 * nothing, so running it again is safe.
 *
 * @throws the last SQLITE_BUSY error when the lock is still held after that, or any other error
 * at once.
 */
export function runWaitingForLock(
  db: Database,
  statement: Statement,
  params: readonly unknown[],
): Promise<number> {
  const timeout = busyTimeoutOf(db)
  const deadline = performance.now() + timeout.ms
  // The first attempt is made here, not in the async loop: a write that gets the lock at once
  // (nearly all of them) costs no async frame and no closure.
  let changes: number | undefined
  try {
    changes = tryRun(timeout, statement, params)
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- better-sqlite3's error, as thrown
    return Promise.reject(error)
  }
  if (changes !== undefined) return Promise.resolve(changes)
  return retryOnTimers(timeout, statement, params, deadline)
}

async function retryOnTimers(
  timeout: BusyTimeout,
  statement: Statement,
  params: readonly unknown[],
  deadline: number,
): Promise<number> {
  let pause = 1
  for (;;) {
    const left = deadline - performance.now()
    if (left <= 0) {
      // Once more with the whole busy handler off, to throw SQLite's own SQLITE_BUSY error.
      return runWithoutBusyTimeout(timeout, statement, params)
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)))
    pause = Math.min(pause * 2, MAX_PAUSE_MS)
    const changes = tryRun(timeout, statement, params)
    if (changes !== undefined) return changes
  }
}

// The rows changed; undefined when another connection holds the write lock.
function tryRun(
  timeout: BusyTimeout,
  statement: Statement,
  params: readonly unknown[],
): number | undefined {
  try {
    return runWithoutBusyTimeout(timeout, statement, params)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) return undefined
    throw error
  }
}

function runWithoutBusyTimeout(
  timeout: BusyTimeout,
  statement: Statement,
  params: readonly unknown[],
): number {
  if (timeout.ms === 0) return statement.run(...params).changes
  timeout.db.exec("PRAGMA busy_timeout = 0")
  try {
    return statement.run(...params).changes
  } finally {
    timeout.db.exec(timeout.restore)
  }
}

// The connection's busy timeout, as the data source set it (read once per connection).
function busyTimeoutOf(db: Database): BusyTimeout {
  let timeout = busyTimeouts.get(db)
  if (timeout === undefined) {
    const ms = Number(db.pragma("busy_timeout", { simple: true }))
    timeout = { ms, db, restore: `PRAGMA busy_timeout = ${ms}` }
    busyTimeouts.set(db, timeout)
  }
  return timeout
}
