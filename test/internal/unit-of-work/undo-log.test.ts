import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import {
  isPersisted,
  linksOf,
  setLinks,
  setSnapshot,
  snapshotOf,
  wasDeleted,
  type LinkState,
} from "../../../src/internal/unit-of-work/entity-state"
import { UndoLog } from "../../../src/internal/unit-of-work/undo-log"

// The undo log only keys link states by relation; any object stands for one here.
const relation = {} as RelationMetadata
const linksTo = (...ids: string[]): LinkState => new Map([[relation, new Set(ids)]])

describe("UndoLog", () => {
  it("puts back on rollback the snapshot and links recorded before a change", () => {
    const entity = {}
    const snapshot = ["id", "before"]
    const links = linksTo("a")
    setSnapshot(entity, snapshot)
    setLinks(entity, links)
    const log = new UndoLog()
    log.recordChange(entity)
    setSnapshot(entity, ["id", "after"])
    setLinks(entity, linksTo("a", "b"))
    log.rollback()
    expect(snapshotOf(entity)).toBe(snapshot)
    expect(linksOf(entity)).toBe(links)
  })

  it("keeps what the entity had before its first change, not before a later one", () => {
    const entity = {}
    const first = ["id", "first"]
    setSnapshot(entity, first)
    const log = new UndoLog()
    log.recordChange(entity)
    setSnapshot(entity, ["id", "second"])
    log.recordChange(entity)
    setSnapshot(entity, ["id", "third"])
    log.rollback()
    expect(snapshotOf(entity)).toBe(first)
  })

  it("forgets on rollback a snapshot and links the entity did not have before", () => {
    const entity = {}
    const log = new UndoLog()
    log.recordChange(entity)
    setSnapshot(entity, ["id"])
    setLinks(entity, linksTo("a"))
    log.rollback()
    expect(isPersisted(entity)).toBe(false)
    expect(linksOf(entity)).toBeUndefined()
  })

  it("forgets inserted entities on rollback, even after a change recorded since, and reports them", () => {
    const inserted = {}
    const deleted = {}
    setSnapshot(deleted, ["d"])
    const log = new UndoLog()
    setSnapshot(inserted, ["i"])
    log.recordInsert(inserted)
    log.recordChange(inserted)
    setSnapshot(inserted, ["i", "changed"])
    setLinks(inserted, linksTo("x"))
    log.recordDelete(deleted)
    const result = log.rollback()
    expect(isPersisted(inserted)).toBe(false)
    expect(linksOf(inserted)).toBeUndefined()
    expect(result.inserted).toEqual([inserted])
    expect(result.deleted).toEqual([deleted])
    // A rolled-back delete leaves the row known and the entity not deleted.
    expect(isPersisted(deleted)).toBe(true)
    expect(wasDeleted(deleted)).toBe(false)
  })

  it("forgets on rollback the rows of each recorded range of a batch, and only those", () => {
    const batch = [{}, {}, {}, {}]
    for (const entity of batch) setSnapshot(entity, ["row"])
    const log = new UndoLog()
    log.recordInserts(batch, 0, 2)
    log.recordInserts(batch, 2, 2)
    log.recordInserts(batch, 3, 4)
    const result = log.rollback()
    expect(result.inserted).toEqual([batch[0], batch[1], batch[3]])
    expect(batch.map(isPersisted)).toEqual([false, false, true, false])
  })

  it("marks deleted entities as deleted on commit and forgets their rows and links", () => {
    const deleted = {}
    const inserted = {}
    setSnapshot(deleted, ["d"])
    setLinks(deleted, linksTo("a"))
    const log = new UndoLog()
    log.recordDelete(deleted)
    setSnapshot(inserted, ["i"])
    log.recordInsert(inserted)
    log.commit()
    expect(wasDeleted(deleted)).toBe(true)
    expect(isPersisted(deleted)).toBe(false)
    expect(linksOf(deleted)).toBeUndefined()
    expect(isPersisted(inserted)).toBe(true)
    expect(wasDeleted(inserted)).toBe(false)
  })

  it("starts empty after a commit: a later rollback puts nothing back", () => {
    const entity = {}
    setSnapshot(entity, ["before"])
    const log = new UndoLog()
    log.recordChange(entity)
    const after = ["after"]
    setSnapshot(entity, after)
    log.commit()
    expect(log.rollback()).toEqual({ inserted: [], deleted: [] })
    expect(snapshotOf(entity)).toBe(after)
  })

  it("starts empty after a rollback", () => {
    const entity = {}
    const log = new UndoLog()
    log.recordInsert(entity)
    log.rollback()
    setSnapshot(entity, ["again"])
    expect(log.rollback()).toEqual({ inserted: [], deleted: [] })
    expect(isPersisted(entity)).toBe(true)
  })

  it("leaves the deleted entities a rollback reported as they were when the log records again", () => {
    const log = new UndoLog()
    const first = {}
    log.recordDelete(first)
    const { deleted } = log.rollback()
    log.recordDelete({})
    log.rollback()
    expect(deleted).toEqual([first])
  })

  it("owns the link state the entity had before the transaction, and no other", () => {
    const entity = {}
    const before = linksTo("a")
    setLinks(entity, before)
    const log = new UndoLog()
    expect(log.ownsLinks(entity, before)).toBe(false)
    log.recordChange(entity)
    expect(log.ownsLinks(entity, before)).toBe(true)
    expect(log.ownsLinks(entity, linksTo("a"))).toBe(false)
  })
})
