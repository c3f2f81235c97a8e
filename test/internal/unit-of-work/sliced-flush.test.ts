import { Message, Operator, Orchestrator, Project, User } from "../../../src"
import type { Dialect } from "../../../src/internal/drivers/dialect"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import {
  isPersisted,
  setSnapshot,
  snapshotOf,
} from "../../../src/internal/unit-of-work/entity-state"
import { UnitOfWork } from "../../../src/internal/unit-of-work/unit-of-work"
import { make } from "../../support/graph"
import { offlinePlans, withLimits, type OfflinePlans } from "../support/offline-plans"
import { RecordingConnection, type RecordedStatement } from "../support/recording-connection"

// A flush in slices (sliced-flush.ts), through the UnitOfWork as the session drives it, on a
// connection that records each statement and looks at the session's state when it is sent.

const ROWS_PER_INSERT = 4

let offline: OfflinePlans
let dialect: Dialect
beforeAll(async () => {
  offline = await offlinePlans("sqlite")
  // Few rows per statement, so that a few dozen rows make many slices.
  const width = offline.plan(Message).columns.length
  dialect = withLimits(offline.dialect, { maxParameters: ROWS_PER_INSERT * width })
})

function unitOfWork(): UnitOfWork {
  const unit = new UnitOfWork()
  unit.bind(offline.dataSource, dialect)
  return unit
}

interface Graph {
  readonly user: User
  readonly orchestrator: Orchestrator
  readonly projects: Project[]
  readonly messages: Message[]
}

/** A new user, orchestrator, projects and messages, added children first. */
function addGraph(unit: UnitOfWork, projects: number, messages: number): Graph {
  const user = make(User, { email: "a@example.com" })
  const orchestrator = make(Orchestrator, { name: "o", type: "t", user })
  const projectList = Array.from({ length: projects }, (_, i) =>
    make(Project, { name: `p${i}`, orchestrator }),
  )
  const messageList = Array.from({ length: messages }, (_, i) =>
    make(Message, {
      type: "textmessage",
      content: `m${i}`,
      project: projectList[i % projects]!,
      user,
    }),
  )
  for (const message of messageList) unit.add(message)
  for (const project of projectList) unit.add(project)
  unit.add(orchestrator)
  unit.add(user)
  return { user, orchestrator, projects: projectList, messages: messageList }
}

const tracked = (unit: UnitOfWork, plan: EntityPlan, entity: object): boolean =>
  unit.lookup(plan, plan.identity(entity)!) === entity

/** Runs a flush as `Session.flushNow` does; a failing statement is abandoned and undone. */
async function flush(unit: UnitOfWork, connection: RecordingConnection): Promise<unknown> {
  const work = await unit.completeWork(await unit.stageInserts(), new Date())
  try {
    await unit.execute(work, connection)
  } catch (error) {
    unit.abandon(work)
    unit.undoTransaction()
    return error
  }
  await unit.afterFlush(work)
  return undefined
}

describe("a flush in slices", () => {
  it("sends its slices in commit order: parents' tables first, every row once", async () => {
    const unit = unitOfWork()
    const graph = addGraph(unit, 3, 10)
    const connection = new RecordingConnection()
    expect(await flush(unit, connection)).toBeUndefined()
    const tables = connection.statements.map((statement) => statement.sql.split(" ")[2])
    const plan = offline.plan
    expect(tables).toEqual([
      plan(User).table,
      plan(Orchestrator).table,
      plan(Project).table,
      ...Array<string>(Math.ceil(10 / ROWS_PER_INSERT)).fill(plan(Message).table),
    ])
    const messagePlan = plan(Message)
    const idIndex = messagePlan.primary[0]!.index
    const width = messagePlan.columns.length
    const sentIds = connection.starting(`INSERT INTO ${messagePlan.table}`).flatMap((statement) =>
      Array.from({ length: statement.params.length / width }, (_, row) => {
        return statement.params[row * width + idIndex]
      }),
    )
    expect(sentIds).toEqual(graph.messages.map((message) => message.id))
  })

  it("computes a slice's parameters just before sending it and records its rows once it succeeded", async () => {
    const unit = unitOfWork()
    const { messages } = addGraph(unit, 1, 4 * ROWS_PER_INSERT + 1)
    const plan = offline.plan(Message)
    const width = plan.columns.length
    const seen: Array<{ converted: number; recorded: number; params: readonly unknown[] }> = []
    const arrays = new Set<readonly unknown[]>()
    const connection = new RecordingConnection()
    const run = connection.run.bind(connection)
    connection.run = (sql: string, params: readonly unknown[]): Promise<number> => {
      arrays.add(params)
      if (sql.startsWith(`INSERT INTO ${plan.table}`)) {
        seen.push({
          converted: messages.filter((message) => isPersisted(message)).length,
          recorded: messages.filter((message) => tracked(unit, plan, message)).length,
          params,
        })
      }
      return run(sql, params)
    }
    expect(await flush(unit, connection)).toBeUndefined()
    expect(seen.map(({ params }) => params.length / width)).toEqual([4, 4, 4, 4, 1])
    let sent = 0
    for (const { converted, recorded, params } of seen) {
      // The rows of earlier statements are recorded; this one's are converted, later ones not yet.
      expect(recorded).toBe(sent)
      sent += params.length / width
      expect(converted).toBe(sent)
    }
    // Each statement had an array of its own, of its own rows' parameters only.
    expect(arrays.size).toBe(connection.statements.length)
    for (const message of messages) expect(tracked(unit, plan, message)).toBe(true)
  })

  it("undoes every earlier slice in memory when a later statement fails", async () => {
    const unit = unitOfWork()
    const { user, orchestrator, projects, messages } = addGraph(unit, 2, 8 * ROWS_PER_INSERT)
    const plan = offline.plan(Message)
    let inserts = 0
    let trackedAtFailure = 0
    const connection = new RecordingConnection((statement: RecordedStatement) => {
      if (!statement.sql.startsWith(`INSERT INTO ${plan.table}`)) return 1
      inserts += 1
      if (inserts < 7) return 1
      trackedAtFailure = messages.filter((message) => tracked(unit, plan, message)).length
      throw new Error("disk full")
    })
    const failure = await flush(unit, connection)
    expect(failure).toMatchObject({ name: "StatementFailure", table: plan.metadata.tableName })
    // Slices 1-6 had been recorded when slice 7 failed ...
    expect(trackedAtFailure).toBe(6 * ROWS_PER_INSERT)
    // ... and nothing of the flush is left: no row known to exist, nothing tracked.
    for (const entity of [user, orchestrator, ...projects, ...messages]) {
      expect(isPersisted(entity)).toBe(false)
      expect(tracked(unit, offline.planFor(entity), entity)).toBe(false)
    }
    expect(unit.hasWork).toBe(false)
  })

  it("puts back the snapshot of an UPDATE written before a later statement failed", async () => {
    const unit = unitOfWork()
    const operatorPlan = offline.plan(Operator)
    const operator = make(Operator, {
      name: "op",
      title: "old",
      instructions: "i",
      orchestratorId: "0190a000-0000-7000-8000-0000000000d1",
    })
    setSnapshot(operator, operatorPlan.snapshotRow(operator))
    const before = snapshotOf(operator)
    unit.add(operator)
    const gone = make(Orchestrator, { name: "gone", type: "t" })
    setSnapshot(gone, offline.plan(Orchestrator).snapshotRow(gone))
    unit.add(gone)
    unit.delete(gone)
    operator.title = "new"
    const connection = new RecordingConnection((statement) => {
      if (statement.sql.startsWith("DELETE")) throw new Error("locked")
      return 1
    })
    expect(await flush(unit, connection)).toMatchObject({ name: "StatementFailure" })
    expect(connection.starting("UPDATE")).toHaveLength(1)
    expect(snapshotOf(operator)).toBe(before)
    expect(tracked(unit, operatorPlan, operator)).toBe(true)
    expect(tracked(unit, offline.plan(Orchestrator), gone)).toBe(true)
  })

  it("keeps an object added while it writes staged for the next flush", async () => {
    const unit = unitOfWork()
    const { projects } = addGraph(unit, 1, 2 * ROWS_PER_INSERT)
    const late = make(Message, { type: "textmessage", content: "late", project: projects[0]! })
    const connection = new RecordingConnection(() => {
      unit.add(late)
      return 1
    })
    expect(await flush(unit, connection)).toBeUndefined()
    expect(isPersisted(late)).toBe(false)
    expect([...unit.newObjects]).toEqual([late])
  })

  it("lets the event loop turn while it stages and computes a large flush, before any statement", async () => {
    const unit = unitOfWork()
    const { messages } = addGraph(unit, 1, 30_000)
    let turns = 0
    let done = false
    const tick = (): void => {
      turns += 1
      if (!done) setImmediate(tick)
    }
    setImmediate(tick)
    const inserts = await unit.stageInserts()
    const work = await unit.completeWork(inserts, new Date())
    done = true
    expect(work.inserts.at(-1)!.entities).toHaveLength(messages.length)
    // 30,000 rows of staging, ids, stamps and checks take far longer than a slice (15 ms).
    expect(turns).toBeGreaterThan(1)
  })

  it("lets the event loop turn between the slices it writes and records", async () => {
    const unit = unitOfWork()
    addGraph(unit, 1, 40 * ROWS_PER_INSERT)
    const work = await unit.completeWork(await unit.stageInserts(), new Date())
    // Each statement keeps the thread busy for 5 ms, as a large INSERT does.
    const connection = new RecordingConnection(() => {
      const end = performance.now() + 5
      while (performance.now() < end) {
        // busy
      }
      return 1
    })
    const statementsAtTurn: number[] = []
    let done = false
    const tick = (): void => {
      statementsAtTurn.push(connection.statements.length)
      if (!done) setImmediate(tick)
    }
    setImmediate(tick)
    await unit.execute(work, connection)
    done = true
    // The loop turned during the writes, not only once they were all done.
    const during = statementsAtTurn.filter((count) => count < connection.statements.length)
    expect(during.length).toBeGreaterThan(2)
  })
})
