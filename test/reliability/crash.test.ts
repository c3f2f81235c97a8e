import { createDataSource } from "../../src"
import { describeEachDatabase } from "../support/databases"
import {
  type Conversation,
  existingIds,
  fixture,
  placeholder,
  seedConversation,
  startChild,
} from "./fixtures/helpers"

// Crash safety: a process that commits messages one session at a time is killed with SIGKILL at a
// random moment. Whatever it reported as committed must be there afterwards, the database must
// open (SQLite: pass integrity_check), and no transaction may be half there.

const KILLS = 20

describeEachDatabase("crash safety under SIGKILL", (db) => {
  let conversation: Conversation

  beforeAll(async () => {
    conversation = await seedConversation(db().dataSource)
  })

  it(`keeps every reported commit and no half transaction across ${KILLS} kills`, async () => {
    const reported: string[] = []
    const delays: number[] = []
    const spawnWriter = (run: number) =>
      startChild(
        fixture("crash-writer.ts"),
        [conversation.projectId, conversation.userId, String(run)],
        { REL_DB_ENV: JSON.stringify(db().env) },
      )
    let next = spawnWriter(0)
    try {
      for (let run = 0; run < KILLS; run += 1) {
        const child = next
        // The next writer loads its modules meanwhile; it waits for its go before connecting.
        if (run + 1 < KILLS) next = spawnWriter(run + 1)
        child.process.stdin.end("go\n")
        await child.waitForLine((line) => line.length > 0)
        const delay = 100 + Math.floor(Math.random() * 500)
        delays.push(delay)
        await new Promise((resolve) => setTimeout(resolve, delay))
        child.process.kill("SIGKILL")
        const exit = await child.exited
        expect({ run, signal: exit.signal, stderr: child.stderr() }).toEqual({
          run,
          signal: "SIGKILL",
          stderr: "",
        })
        // Only complete lines count: the last one may have been cut by the kill.
        const ids = child.lines.filter((line) => /^[0-9a-f-]{36}$/.test(line))
        expect(ids.length).toBeGreaterThan(0)
        reported.push(...ids)

        // A new data source opens the database the killed process was writing.
        const dataSource = createDataSource({ env: db().env })
        await dataSource.initialize()
        try {
          if (db().kind === "sqlite") {
            expect(await dataSource.query("PRAGMA integrity_check")).toEqual([
              { integrity_check: "ok" },
            ])
            expect(await dataSource.query("PRAGMA foreign_key_check")).toEqual([])
          }
          const found = await existingIds(dataSource, "message", ids)
          const missing = ids.filter((id) => !found.has(id))
          expect({ run, delay, missing }).toEqual({ run, delay, missing: [] })

          // Every message of the run has its log line and every log line its message.
          const messages: Array<{ id: string }> = await dataSource.query(
            `SELECT id FROM message WHERE project_id = ${placeholder(dataSource, 1)} AND content LIKE ${placeholder(dataSource, 2)}`,
            [conversation.projectId, `{"text":"run ${run} message %`],
          )
          const logs: Array<{ message: string }> = await dataSource.query(
            `SELECT message FROM log WHERE message LIKE ${placeholder(dataSource, 1)}`,
            [`crash:${run}:%`],
          )
          const messageIds = messages.map((row) => String(row.id).toLowerCase()).sort()
          const loggedIds = logs.map((row) => row.message.split(":")[2]!).sort()
          expect(loggedIds).toEqual(messageIds)
          // At most the one commit in flight at the kill went through unreported.
          expect(messageIds.length - ids.length).toBeGreaterThanOrEqual(0)
          expect(messageIds.length - ids.length).toBeLessThanOrEqual(1)
        } finally {
          await dataSource.destroy()
        }
      }
    } finally {
      // A failed assertion leaves the prepared writer waiting: end it.
      if (next.process.exitCode === null && next.process.signalCode === null) {
        next.process.kill("SIGKILL")
        await next.exited
      }
    }
    // Each run committed something before its kill; all of it is there.
    const all = await existingIds(db().dataSource, "message", reported)
    expect(all.size).toBe(reported.length)
    process.stdout.write(
      `[crash ${db().kind}] ${KILLS} SIGKILLs at ${Math.min(...delays)}-${Math.max(...delays)} ms after the first commit; ${reported.length} reported commits, all present\n`,
    )
  })
})
