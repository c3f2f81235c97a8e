import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import {
  beginImmediate,
  runWaitingForLock,
} from "../../../../src/internal/drivers/sqlite/sqlite-begin"

describe("beginImmediate and runWaitingForLock", () => {
  let dir: string
  let holder: Database.Database
  let waiter: Database.Database
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "concrete-db-begin-"))
    const file = join(dir, "test.db")
    holder = new Database(file)
    holder.pragma("journal_mode = WAL")
    holder.exec("CREATE TABLE t (x INTEGER)")
    waiter = new Database(file, { timeout: 1_000 })
  })
  afterEach(() => {
    for (const db of [holder, waiter]) {
      if (db.inTransaction) db.exec("ROLLBACK")
      db.close()
    }
    rmSync(dir, { recursive: true, force: true })
  })

  /** Counts timer ticks (every 5 ms) while `work` runs: a blocked event loop ticks not at all. */
  async function ticksDuring(work: () => Promise<void>): Promise<number> {
    let ticks = 0
    const interval = setInterval(() => (ticks += 1), 5)
    try {
      await work()
    } finally {
      clearInterval(interval)
    }
    return ticks
  }

  it("begins at once when nobody holds the write lock", async () => {
    await beginImmediate(waiter, waiter.prepare("BEGIN IMMEDIATE"))
    expect(waiter.inTransaction).toBe(true)
  })

  it("waits for another connection's write lock on timers, not in the busy handler", async () => {
    holder.exec("BEGIN IMMEDIATE")
    setTimeout(() => holder.exec("COMMIT"), 200)
    const start = performance.now()
    const ticks = await ticksDuring(() => beginImmediate(waiter, waiter.prepare("BEGIN IMMEDIATE")))
    expect(waiter.inTransaction).toBe(true)
    expect(performance.now() - start).toBeGreaterThanOrEqual(150)
    // The event loop kept turning while it waited (blocked, it would tick once at most).
    expect(ticks).toBeGreaterThanOrEqual(10)
    expect(waiter.pragma("busy_timeout", { simple: true })).toBe(1_000)
  })

  it("gives up with SQLite's SQLITE_BUSY after the connection's busy timeout", async () => {
    holder.exec("BEGIN IMMEDIATE")
    const other = new Database(join(dir, "test.db"), { timeout: 300 })
    try {
      const start = performance.now()
      const error = await beginImmediate(other, other.prepare("BEGIN IMMEDIATE")).catch(
        (caught: unknown) => caught,
      )
      const waited = performance.now() - start
      expect((error as { code?: string }).code).toBe("SQLITE_BUSY")
      expect(waited).toBeGreaterThanOrEqual(280)
      expect(waited).toBeLessThan(1_500)
      expect(other.inTransaction).toBe(false)
      expect(other.pragma("busy_timeout", { simple: true })).toBe(300)
    } finally {
      other.close()
    }
  })

  it("throws any other error at once, without retrying", async () => {
    holder.exec("CREATE TABLE checked (x INTEGER CHECK (x > 5))")
    const start = performance.now()
    await expect(
      beginImmediate(waiter, waiter.prepare("INSERT INTO checked VALUES (1)")),
    ).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_CHECK" })
    expect(performance.now() - start).toBeLessThan(500)
  })

  it("runs a write at once when the lock is free, before its promise settles", async () => {
    const inserting = runWaitingForLock(waiter, waiter.prepare("INSERT INTO t VALUES (?)"), [7])
    expect(holder.prepare("SELECT x FROM t").pluck().all()).toEqual([7])
    await expect(inserting).resolves.toBe(1)
  })

  it("keeps the driver's own error when a write fails at once", async () => {
    holder.exec("CREATE TABLE unique_x (x INTEGER UNIQUE)")
    holder.exec("INSERT INTO unique_x VALUES (1)")
    const error = await runWaitingForLock(
      waiter,
      waiter.prepare("INSERT INTO unique_x VALUES (?)"),
      [1],
    ).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" })
    expect(waiter.pragma("busy_timeout", { simple: true })).toBe(1_000)
  })
})
