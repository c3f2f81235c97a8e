import { StaleUpdateError } from "../../../src/errors"
import type { DialectKind } from "../../../src/internal/drivers/dialect"
import { StatementFailure } from "../../../src/internal/errors/statement-failure"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import {
  computeChangeSet,
  prepareInsert,
} from "../../../src/internal/unit-of-work/change-set-computer"
import { persistWork } from "../../../src/internal/unit-of-work/change-set-persister"
import { setSnapshot } from "../../../src/internal/unit-of-work/entity-state"
import { make } from "../../support/graph"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"
import { RecordingConnection } from "../support/recording-connection"
import { TestVersioned } from "../support/test-entities"
import { workOf } from "../support/work-of"

const NOW = new Date("2026-01-02T03:04:05.678Z")
const ID = "0190a000-0000-7000-8000-0000000000a1"

const UPDATE: Record<DialectKind, string> = {
  sqlite: `UPDATE "test_versioned" SET "title" = ?, "version" = ? WHERE "id" = ? AND "version" = ?`,
  postgres: `UPDATE "test_versioned" SET "title" = $1, "version" = $2 WHERE "id" = $3 AND "version" = $4`,
  mysql: "UPDATE `test_versioned` SET `title` = ?, `version` = ? WHERE `id` = ? AND `version` = ?",
}

describe.each(DIALECTS)("@VersionColumn on %s", (kind) => {
  let offline: OfflinePlans
  let plan: EntityPlan
  beforeAll(async () => {
    offline = await offlinePlans(kind)
    plan = offline.plan(TestVersioned)
  })

  // A note as read from its row at `version`.
  function stored(version: number): TestVersioned {
    const note = make(TestVersioned, {
      id: ID,
      title: "old",
      ratio: null,
      apiKey: null,
      remark: null,
      version,
    })
    setSnapshot(note, plan.snapshotRow(note))
    return note
  }

  it("starts a new row at version 1", () => {
    const note = make(TestVersioned, { id: ID, title: "new" })
    prepareInsert(plan, note, NOW)
    expect(note.version).toBe(1)
    expect(plan.snapshotRow(note)[plan.version!.index]).toBe(1)
  })

  it("updates only the version read, writes the next one and holds it in memory", async () => {
    const note = stored(4)
    note.title = "new"
    const change = computeChangeSet(plan, note, NOW)!
    expect(change.expectedVersion).toBe(4)
    expect(note.version).toBe(5)
    const connection = new RecordingConnection()
    await persistWork(workOf({ updates: [change] }), connection, offline.dialect)
    expect(connection.statements).toEqual([{ sql: UPDATE[kind], params: ["new", 5, ID, 4] }])
  })

  it("writes nothing, and leaves the version alone, when nothing changed", () => {
    const note = stored(4)
    expect(computeChangeSet(plan, note, NOW)).toBeUndefined()
    expect(note.version).toBe(4)
  })

  it("fails with a StaleUpdateError naming the entity and id when the row has another version", async () => {
    const note = stored(4)
    note.title = "new"
    const change = computeChangeSet(plan, note, NOW)!
    const connection = new RecordingConnection(() => 0)
    const failure = await persistWork(workOf({ updates: [change] }), connection, offline.dialect)
      .then(() => undefined)
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(StatementFailure)
    const cause = (failure as StatementFailure).cause
    expect(cause).toBeInstanceOf(StaleUpdateError)
    expect(cause).toMatchObject({ entity: "TestVersioned", id: ID })
    expect((cause as Error).message).toContain("version 4")
  })
})
