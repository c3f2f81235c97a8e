import { Message, Operator } from "../../../src"
import { StaleUpdateError } from "../../../src/errors"
import { StatementFailure } from "../../../src/internal/errors/statement-failure"
import { prepareInsert } from "../../../src/internal/unit-of-work/change-set-computer"
import { isPersisted, setSnapshot } from "../../../src/internal/unit-of-work/entity-state"
import { isSingleStatement, writeWork } from "../../../src/internal/unit-of-work/single-statement"
import { UnitOfWork } from "../../../src/internal/unit-of-work/unit-of-work"
import type { Work } from "../../../src/internal/unit-of-work/work"
import { make } from "../../support/graph"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"
import { RecordingConnection } from "../support/recording-connection"
import { TestVersioned } from "../support/test-entities"

const NOW = new Date("2026-01-02T03:04:05.678Z")
const PROJECT_ID = "0190a000-0000-7000-8000-0000000000b1"
const USER_ID = "0190a000-0000-7000-8000-0000000000c1"
const ORCHESTRATOR_ID = "0190a000-0000-7000-8000-0000000000d1"

describe.each(DIALECTS)("writeWork on %s", (kind) => {
  let offline: OfflinePlans
  let unitOfWork: UnitOfWork
  let connection: RecordingConnection
  beforeAll(async () => {
    offline = await offlinePlans(kind)
  })
  beforeEach(() => {
    unitOfWork = new UnitOfWork()
    unitOfWork.bind(offline.dataSource, offline.dialect)
    connection = new RecordingConnection()
    connection.inTransaction = false // a session that has not begun its transaction yet
  })

  const message = (): Message =>
    make(Message, { type: "textmessage", content: "{}", projectId: PROJECT_ID, userId: USER_ID })

  // A row the session read: persisted, with its snapshot, tracked.
  function tracked<T extends object>(entity: T): T {
    const plan = offline.planFor(entity)
    prepareInsert(plan, entity, NOW)
    setSnapshot(entity, plan.snapshotRow(entity))
    unitOfWork.add(entity)
    return entity
  }

  const operator = (): Operator =>
    tracked(
      make(Operator, {
        name: "op",
        title: "t",
        instructions: "i",
        orchestratorId: ORCHESTRATOR_ID,
      }),
    )

  // What a flush computes from what is staged.
  const staged = async (): Promise<Work> =>
    unitOfWork.completeWork(await unitOfWork.stageInserts(), NOW)

  it("sends a commit of one new row as its INSERT alone: no BEGIN, no COMMIT", async () => {
    const added = message()
    unitOfWork.add(added)
    await writeWork(unitOfWork, await staged(), connection, true)
    expect(connection.sentAlone).toHaveLength(1)
    expect(connection.sentAlone[0]!.sql).toMatch(/^INSERT INTO .message./)
    expect(connection.statements).toEqual([])
    expect(connection.transactions).toEqual([])
    expect(isPersisted(added)).toBe(true)
  })

  it("sends a commit of one UPDATE, or of one DELETE, alone", async () => {
    const changed = operator()
    changed.title = "lead"
    const update = await staged()
    await writeWork(unitOfWork, update, connection, true)
    await unitOfWork.afterFlush(update)
    unitOfWork.delete(operator())
    await writeWork(unitOfWork, await staged(), connection, true)
    expect(connection.sentAlone.map((statement) => statement.sql.split(" ")[0])).toEqual([
      "UPDATE",
      "DELETE",
    ])
    expect(connection.statements).toEqual([])
    expect(connection.transactions).toEqual([])
  })

  it("writes two statements inside BEGIN (the session commits after)", async () => {
    unitOfWork.add(message())
    operator().title = "lead"
    await writeWork(unitOfWork, await staged(), connection, true)
    await connection.commit()
    expect(connection.transactions).toEqual(["BEGIN", "COMMIT"])
    expect(connection.statements.map((statement) => statement.sql.split(" ")[0])).toEqual([
      "INSERT",
      "UPDATE",
    ])
    expect(connection.sentAlone).toEqual([])
  })

  it("writes two new rows (one multi-row INSERT) inside BEGIN", async () => {
    unitOfWork.add(message())
    unitOfWork.add(message())
    await writeWork(unitOfWork, await staged(), connection, true)
    expect(connection.transactions).toEqual(["BEGIN"])
    expect(connection.statements).toHaveLength(1)
    expect(connection.sentAlone).toEqual([])
  })

  it("begins the transaction for a flush that is not a commit's", async () => {
    unitOfWork.add(message())
    await writeWork(unitOfWork, await staged(), connection, false)
    expect(connection.transactions).toEqual(["BEGIN"])
    expect(connection.statements).toHaveLength(1)
    expect(connection.sentAlone).toEqual([])
  })

  it("writes inside the open transaction when something was flushed before", async () => {
    connection.inTransaction = true
    unitOfWork.add(message())
    await writeWork(unitOfWork, await staged(), connection, true)
    expect(connection.statements).toHaveLength(1)
    expect(connection.sentAlone).toEqual([])
  })

  it("fails a versioned UPDATE sent alone that matched no row with a StaleUpdateError", async () => {
    const zero = new RecordingConnection(() => 0)
    zero.inTransaction = false
    const note = tracked(make(TestVersioned, { id: PROJECT_ID, title: "old", version: 3 }))
    note.title = "new"
    const error = await writeWork(unitOfWork, await staged(), zero, true).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(StatementFailure)
    expect((error as StatementFailure).cause).toBeInstanceOf(StaleUpdateError)
    expect(zero.sentAlone).toHaveLength(1)
    expect(zero.transactions).toEqual([])
  })

  it("does not count link rows, or rows with database-generated ids, as one statement", () => {
    const plan = offline.plan(Message)
    const one = { plan, entities: [message()] }
    expect(isSingleStatement({ inserts: [one], updates: [], links: [], deletes: [] })).toBe(true)
    const link = {} as Work["links"][number]
    expect(isSingleStatement({ inserts: [one], updates: [], links: [link], deletes: [] })).toBe(
      false,
    )
    const generated = {
      plan: { ...plan, needsDatabaseIds: true } as typeof plan,
      entities: [message()],
    }
    expect(isSingleStatement({ inserts: [generated], updates: [], links: [], deletes: [] })).toBe(
      false,
    )
  })
})
