import { Message } from "../../../src"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import { prepareInsert } from "../../../src/internal/unit-of-work/change-set-computer"
import { persistWork } from "../../../src/internal/unit-of-work/change-set-persister"
import { SLICE_MS, sliceYielder } from "../../../src/internal/unit-of-work/slice-yield"
import { make } from "../../support/graph"
import { offlinePlans, type OfflinePlans } from "../support/offline-plans"
import { RecordingConnection } from "../support/recording-connection"

const NOW = new Date("2026-01-02T03:04:05.678Z")

function busyFor(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // a statement that keeps the thread busy, as a large INSERT does
  }
}

describe("sliceYielder", () => {
  it("resolves at once (no turn of the event loop) within a slice", () => {
    const turn = sliceYielder(60_000)
    expect(turn()).toBeUndefined()
    expect(turn()).toBeUndefined()
  })

  it("lets the event loop turn once a slice has passed, then starts a new slice", async () => {
    const turn = sliceYielder(5)
    busyFor(10)
    let immediateRan = false
    setImmediate(() => {
      immediateRan = true
    })
    const waiting = turn()
    expect(waiting).toBeInstanceOf(Promise)
    await waiting
    expect(immediateRan).toBe(true)
    expect(turn()).toBeUndefined()
  })

  it("lets due timers run before the next slice when a slice ends inside a timer callback", async () => {
    // A flush started from a timer (or an I/O callback) whose first slice runs out there: one
    // setImmediate would resume it in the same loop iteration, before any timer.
    const order: string[] = []
    await new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        const turn = sliceYielder(5)
        setTimeout(() => order.push("timer"), 0)
        busyFor(10)
        const waiting = turn()
        if (!waiting) return reject(new Error("the slice did not run out"))
        void waiting.then(() => {
          order.push("next slice")
          resolve()
        })
      }, 0)
    })
    expect(order).toEqual(["timer", "next slice"])
  })
})

describe("persistWork between statements", () => {
  let offline: OfflinePlans
  let plan: EntityPlan
  beforeAll(async () => {
    offline = await offlinePlans("sqlite")
    plan = offline.plan(Message)
  })

  it("lets timers and I/O run during a large flush whose statements keep the thread busy", async () => {
    const entities = Array.from({ length: 6_000 }, () => {
      const message = make(Message, {
        type: "textmessage",
        content: "hi",
        projectId: "0190a000-0000-7000-8000-0000000000b1",
        userId: "0190a000-0000-7000-8000-0000000000c1",
      })
      prepareInsert(plan, message, NOW)
      return message
    })
    // Each statement keeps the thread for a third of a slice: without turns, nothing else runs
    // until the whole flush is written.
    const connection = new RecordingConnection(() => {
      busyFor(SLICE_MS / 3)
      return 1
    })
    let turns = 0
    let statementsAtFirstTurn: number | undefined
    const tick = (): void => {
      turns += 1
      statementsAtFirstTurn ??= connection.statements.length
      if (!done) setImmediate(tick)
    }
    let done = false
    setImmediate(tick)
    await persistWork(
      { inserts: [{ plan, entities }], updates: [], links: [], deletes: [] },
      connection,
      offline.dialect,
    )
    done = true
    const statements = connection.statements.length
    expect(statements).toBeGreaterThan(6)
    expect(statementsAtFirstTurn).toBeLessThanOrEqual(4)
    expect(turns).toBeGreaterThanOrEqual(Math.floor(statements / 4))
  })
})
