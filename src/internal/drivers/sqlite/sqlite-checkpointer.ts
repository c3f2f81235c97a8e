import { Worker } from "node:worker_threads"
import type { Database } from "better-sqlite3"

// SQLite copies the WAL into the database file (a checkpoint) inside the COMMIT that takes the
// WAL past 1000 pages: on the main thread, 95-140 ms after a 100,000-row transaction, during
// which the event loop stands still. A large transaction (LARGE_COMMIT_ROWS rows or more) is
// committed with that automatic checkpoint off, and a worker thread with a connection of its own
// runs the same PASSIVE checkpoint (it never waits for readers or the writer) just after.
//
// Small commits keep SQLite's own checkpoint: it runs right after its COMMIT, before another
// write can begin, so it copies every frame and the next write starts the WAL over. A worker
// checkpointing a stream of small commits never catches up with the writer: the WAL then only
// grows, and appending to a growing file made 3,000 one-row commits cost 1.7x as much.
//
// Durability is unchanged: a committed transaction is in the WAL, synced as before; the
// checkpoint only moves it into the database file (synced by the worker at the same
// `synchronous` level). A crash at any point leaves a WAL that the next open replays. While the
// worker copies, a small commit's own checkpoint finds the checkpoint lock taken and skips at
// once (PASSIVE never waits); the next one finishes the job.

/** A transaction that changed this many rows is committed with its checkpoint in the worker. */
export const LARGE_COMMIT_ROWS = 1_000
/** How long `stop` waits for the worker to close its connection before terminating it. */
const STOP_TIMEOUT_MS = 5_000

// CommonJS run with `eval: true`: the same source works from the TypeScript sources (jest,
// ts-node) and from the compiled package, with no worker file to locate.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads")
const Database = require(workerData.driver)
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 })
db.pragma("synchronous = " + workerData.synchronous)
let timer
let requested = 0
function checkpoint() {
  timer = undefined
  const covers = requested
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)")
    parentPort.postMessage({ type: "checkpointed", covers, ...result })
  } catch (error) {
    // SQLITE_BUSY (another checkpoint is running) or a transient error: the next one retries.
    parentPort.postMessage({ type: "failed", covers, message: String(error && error.message) })
  }
}
parentPort.on("message", (message) => {
  if (message === "close") {
    if (timer) clearTimeout(timer)
    db.close()
    parentPort.close()
  } else if (typeof message === "number") {
    requested = Math.max(requested, message)
    if (!timer) timer = setTimeout(checkpoint, 0)
  }
})
`

/** What a checkpoint reported: PRAGMA wal_checkpoint's row. */
export interface CheckpointResult {
  readonly busy: number
  /** Frames in the WAL. */
  readonly log: number
  /** Frames of the WAL copied into the database file. */
  readonly checkpointed: number
}

/** The checkpoint worker of one SQLite connection. */
export interface SqliteCheckpointer {
  /** Runs `commit` (a large transaction's COMMIT) with its checkpoint left to the worker. */
  commitLarge(commit: () => void): void
  /** Asks for a checkpoint soon. */
  request(): void
  /** Resolves with the first checkpoint that begins after this call (tests and diagnostics). */
  nextCheckpoint(): Promise<CheckpointResult>
  /** Stops the worker and closes its connection; the connection checkpoints on its own again. */
  stop(): Promise<void>
}

const checkpointers = new WeakMap<Database, SqliteCheckpointer>()

/** The checkpointer started for `db`, if any. */
export function checkpointerOf(db: Database): SqliteCheckpointer | undefined {
  return checkpointers.get(db)
}

/**
 * Moves `db`'s WAL checkpoints to a worker thread, once per connection: only a file database in
 * WAL mode; an in-memory or temporary database, or another journal mode, is left as it is.
 */
export function startCheckpointer(db: Database): SqliteCheckpointer | undefined {
  const existing = checkpointers.get(db)
  if (existing) return existing
  if (db.memory || db.readonly || db.name === "" || !db.open) return undefined
  if (db.pragma("journal_mode", { simple: true }) !== "wal") return undefined
  const synchronous = Number(db.pragma("synchronous", { simple: true }))
  const checkpointer = newCheckpointer(db, ["OFF", "NORMAL", "FULL", "EXTRA"][synchronous])
  checkpointers.set(db, checkpointer)
  return checkpointer
}

/** Stops `db`'s checkpointer, if it has one (before the connection is closed). */
export async function stopCheckpointer(db: Database): Promise<void> {
  await checkpointers.get(db)?.stop()
}

function newCheckpointer(db: Database, synchronous = "FULL"): SqliteCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // Not the process's flags: a `-r ts-node/register` (or any preload) would load a compiler
    // into the worker's isolate, tens of MB for a script that needs only the driver.
    execArgv: [],
    // Its script allocates next to nothing (one small object per checkpoint): a 1 MB young
    // generation instead of the default 16 MB semi-spaces keeps its isolate near its floor
    // (about 1 MB less resident memory; the worker uses about 6 MB of heap once its driver is in).
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    workerData: {
      driver: require.resolve("better-sqlite3"),
      file: db.name,
      synchronous,
    },
  })
  let stopped = false
  // Requests are numbered; the worker reports the last number it had received when a checkpoint
  // began, so a waiter is answered only by a checkpoint that began after its own request (a
  // checkpoint already under way may have missed the commit the waiter cares about).
  let sent = 0
  let waiters: Array<{ after: number; resolve: (result: CheckpointResult) => void }> = []
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()))
  const markStopped = (): void => {
    stopped = true
  }
  worker.on("message", (message: { type: string; covers: number } & CheckpointResult) => {
    if (message.type !== "checkpointed") return
    const done = waiters.filter((waiter) => waiter.after <= message.covers)
    waiters = waiters.filter((waiter) => waiter.after > message.covers)
    for (const waiter of done) waiter.resolve(message)
  })
  // A worker that fails (its connection cannot open, say) is asked nothing more: large commits
  // then keep SQLite's checkpoint inside COMMIT, as small ones do.
  worker.on("error", markStopped)
  worker.on("exit", markStopped)
  // Never what keeps the process alive: an application that forgets to destroy its data source
  // still exits (its WAL is checkpointed by the next open). After the listeners: adding a
  // 'message' listener refs the worker's port again.
  worker.unref()
  const request = (): void => {
    if (stopped) return
    // The data source was destroyed without stopping the worker first: stop it now.
    if (!db.open) void stop()
    else worker.postMessage((sent += 1))
  }
  const stop = async (): Promise<void> => {
    if (!stopped) {
      markStopped()
      worker.postMessage("close")
    }
    const timeout = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS)
    try {
      await exited
    } finally {
      clearTimeout(timeout)
      checkpointers.delete(db)
    }
  }
  return {
    commitLarge(commit) {
      if (stopped) return commit()
      const automatic = db.pragma("wal_autocheckpoint", { simple: true }) as number
      db.pragma("wal_autocheckpoint = 0")
      try {
        commit()
      } finally {
        db.pragma(`wal_autocheckpoint = ${automatic}`)
      }
      request()
    },
    request,
    nextCheckpoint() {
      request()
      const after = sent
      return new Promise<CheckpointResult>((resolve) => waiters.push({ after, resolve }))
    },
    stop,
  }
}
