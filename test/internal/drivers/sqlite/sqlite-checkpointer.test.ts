import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import {
  LARGE_COMMIT_ROWS,
  checkpointerOf,
  startCheckpointer,
  stopCheckpointer,
} from "../../../../src/internal/drivers/sqlite/sqlite-checkpointer"
import { type Session, User, createDataSource, withTransaction } from "../../../../src"
import { ROOT, startChild } from "../../../reliability/fixtures/helpers"

const CHILD = join(__dirname, "fixtures", "checkpointer-child.ts")
const PRELOAD = join(__dirname, "fixtures", "refused-in-workers.ts")
/** 64 KiB of text per row: 16 pages of the WAL per row. */
const ROW = "x".repeat(64 * 1024)

describe("startCheckpointer", () => {
  let dir: string
  let file: string
  const opened: Database.Database[] = []
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "concrete-db-checkpoint-"))
    file = join(dir, "test.db")
  })
  afterEach(async () => {
    for (const db of opened.splice(0)) {
      await stopCheckpointer(db)
      if (db.open) db.close()
    }
    rmSync(dir, { recursive: true, force: true })
  })

  function open(path = file, wal = true): Database.Database {
    const db = new Database(path)
    opened.push(db)
    if (wal) db.pragma("journal_mode = WAL")
    db.exec("CREATE TABLE IF NOT EXISTS t (x TEXT)")
    return db
  }

  function walBytes(): number {
    return existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0
  }

  it("leaves an in-memory database and a file not in WAL mode as they are", () => {
    const memory = open(":memory:", false)
    expect(startCheckpointer(memory)).toBeUndefined()
    const rollbackJournal = open(file, false)
    expect(startCheckpointer(rollbackJournal)).toBeUndefined()
    expect(rollbackJournal.pragma("wal_autocheckpoint", { simple: true })).toBe(1000)
  })

  it("commits a large transaction with SQLite's checkpoint off and checkpoints in its worker", async () => {
    const db = open()
    const checkpointer = startCheckpointer(db)!
    // Small commits keep SQLite's own checkpoint.
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000)
    const insert = db.prepare("INSERT INTO t (x) VALUES (?)")
    db.exec("BEGIN IMMEDIATE")
    for (let i = 0; i < 100; i += 1) insert.run(ROW)
    let duringCommit: unknown
    checkpointer.commitLarge(() => {
      duringCommit = db.pragma("wal_autocheckpoint", { simple: true })
      db.exec("COMMIT")
    })
    expect(duringCommit).toBe(0)
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000)
    const result = await checkpointer.nextCheckpoint()
    // 100 rows of 16 pages: well past SQLite's 1000 pages, every frame copied by the worker.
    expect(result.log).toBeGreaterThan(1000)
    expect(result.checkpointed).toBe(result.log)
  })

  it("keeps the WAL bounded over many large commits", async () => {
    const db = open()
    const checkpointer = startCheckpointer(db)!
    const insert = db.prepare("INSERT INTO t (x) VALUES (?)")
    let written = 0
    let largest = 0
    for (let round = 0; round < 20; round += 1) {
      db.exec("BEGIN IMMEDIATE")
      for (let i = 0; i < 20; i += 1) insert.run(ROW)
      checkpointer.commitLarge(() => db.exec("COMMIT"))
      written += 20 * ROW.length
      await checkpointer.nextCheckpoint()
      largest = Math.max(largest, walBytes())
    }
    // With no checkpoint at all (wal_autocheckpoint = 0 in every COMMIT), the WAL would hold it all.
    expect(written).toBeGreaterThan(24 * 1024 * 1024)
    // A checkpoint that copied everything lets the next writer start the WAL over: it never
    // holds more than about two rounds (20 rows of 64 KiB each).
    expect(largest).toBeLessThan(4 * 1024 * 1024)
  })

  it("leaves a stream of small commits to SQLite's own checkpoint, which keeps the WAL small", () => {
    const db = open()
    startCheckpointer(db)
    const insert = db.prepare("INSERT INTO t (x) VALUES (?)")
    const small = "y".repeat(1024)
    for (let i = 0; i < 5_000; i += 1) insert.run(small)
    // 5,000 commits of at least one page each; SQLite's checkpoint every 1000 pages restarts it.
    expect(walBytes()).toBeLessThan(6 * 1024 * 1024)
  })

  it("stops: its worker is gone and SQLite checkpoints inside COMMIT again", async () => {
    const db = open()
    startCheckpointer(db)
    await stopCheckpointer(db)
    expect(checkpointerOf(db)).toBeUndefined()
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000)
  })
})

describe("The SQLite checkpoint worker of a data source", () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "concrete-db-checkpoint-"))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it("starts with the first large commit, not the first session, and stops when the data source is destroyed", async () => {
    const file = join(dir, "test.db")
    const dataSource = createDataSource({ env: { DB_DRIVER: "sqlite", DB_DATABASE: file } })
    await dataSource.initialize()
    await dataSource.runMigrations()
    const db = (dataSource.driver as unknown as { databaseConnection: Database.Database })
      .databaseConnection
    const addUsers = (count: number, prefix: string) => (session: Session) => {
      for (let i = 0; i < count; i += 1) {
        session.add(Object.assign(new User(), { email: `${prefix}-${i}@example.com` }))
      }
      return Promise.resolve()
    }
    await withTransaction(addUsers(LARGE_COMMIT_ROWS - 1, "small"), dataSource)
    // A data source that commits only small transactions runs no worker thread.
    expect(checkpointerOf(db)).toBeUndefined()
    await withTransaction(addUsers(LARGE_COMMIT_ROWS, "large"), dataSource)
    const checkpointer = checkpointerOf(db)
    expect(checkpointer).toBeDefined()
    // Its first checkpoint copies the large commit, which SQLite's own checkpoint left in the WAL.
    const { log, checkpointed } = await checkpointer!.nextCheckpoint()
    expect(log).toBeGreaterThan(0)
    expect(checkpointed).toBe(log)
    await dataSource.destroy()
    expect(checkpointerOf(db)).toBeUndefined()
    // Its connection was closed first, so the data source's was the last: it checkpointed the
    // WAL and removed it.
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it("runs its worker without the process's flags (a preload such as ts-node is not loaded there)", () => {
    const output = execFileSync(
      process.execPath,
      ["-r", "ts-node/register", "-r", PRELOAD, CHILD, join(dir, "test.db"), "checkpoint"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
      },
    )
    const lines = output.trim().split("\n")
    expect(lines[0]).toBe("checkpointer on")
    expect(lines[1]).toMatch(/^checkpointed [1-9]/)
  })

  it.each(["destroy", "forget"])(
    "never keeps the process alive (a child that commits and does %s its data source exits)",
    async (mode) => {
      const child = startChild(CHILD, [join(dir, "test.db"), mode])
      await child.waitForLine((line) => line === "done")
      expect(child.lines).toContain("checkpointer on")
      const start = performance.now()
      let timer: NodeJS.Timeout | undefined
      const exited = await Promise.race([
        child.exited,
        new Promise<"still running">((resolve) => {
          timer = setTimeout(resolve, 10_000, "still running")
        }),
      ])
      clearTimeout(timer)
      if (exited === "still running") child.process.kill("SIGKILL")
      expect(exited).toEqual({ code: 0, signal: null })
      expect(performance.now() - start).toBeLessThan(10_000)
    },
  )
})
