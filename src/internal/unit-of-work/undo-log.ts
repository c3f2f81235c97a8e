import {
  forgetLinks,
  forgetRow,
  linksOf,
  markDeleted,
  setLinks,
  setSnapshot,
  snapshotOf,
  type LinkState,
  type Snapshot,
} from "./entity-state"

interface Before {
  readonly snapshot: Snapshot | undefined
  readonly links: LinkState | undefined
}

/** `entities[start..end)`: the rows one statement inserted, by reference to the flush's batch. */
interface InsertedRange {
  readonly entities: readonly object[]
  readonly start: number
  readonly end: number
}

interface UndoneEntities {
  readonly inserted: readonly object[]
  readonly deleted: readonly object[]
}

const NOTHING_UNDONE: UndoneEntities = { inserted: [], deleted: [] }

/**
 * What one transaction changed in the shared entity state, so that a rollback puts it back and
 * a commit makes it final.
 */
export class UndoLog {
  // An insert needs nothing but its entity to be undone (it loses its state altogether), and a
  // statement's rows are a range of the flush's batch: one record per statement, not per row,
  // so a 100,000-row commit does not build a second list of its rows.
  private inserted: InsertedRange[] = []
  private deleted: object[] = []
  // Built on the first change: a transaction of inserts or reads only (a session per commit or
  // per read) has none.
  private before: Map<object, Before> | undefined = undefined

  /** The entity's row was inserted in this transaction. */
  recordInsert(entity: object): void {
    this.inserted.push({ entities: [entity], start: 0, end: 1 })
  }

  /** `entities[start..end)` were inserted in this transaction (`entities` is never changed). */
  recordInserts(entities: readonly object[], start: number, end: number): void {
    if (end > start) this.inserted.push({ entities, start, end })
  }

  /** The entity's row was deleted in this transaction. */
  recordDelete(entity: object): void {
    this.deleted.push(entity)
  }

  /**
   * The entity's snapshot or links are about to change: remember them as they were (once per
   * transaction). An entity inserted in this transaction gets an entry too: on rollback the
   * entries are replayed first, then inserted entities lose their state altogether.
   */
  recordChange(entity: object): void {
    this.before ??= new Map()
    if (this.before.has(entity)) return
    this.before.set(entity, { snapshot: snapshotOf(entity), links: linksOf(entity) })
  }

  /** Whether `links` is the link state the entity had before this transaction (never mutate it). */
  ownsLinks(entity: object, links: LinkState): boolean {
    return this.before?.get(entity)?.links === links
  }

  /** The transaction committed: deleted entities are gone for good. */
  commit(): void {
    for (const entity of this.deleted) {
      forgetRow(entity)
      forgetLinks(entity)
      markDeleted(entity)
    }
    this.clear()
  }

  /**
   * The transaction rolled back: puts the shared state back. Returns the entities it inserted
   * and deleted, so the session's identity map can follow.
   */
  rollback(): UndoneEntities {
    if (this.inserted.length === 0 && this.deleted.length === 0 && this.before === undefined) {
      return NOTHING_UNDONE
    }
    for (const [entity, before] of this.before ?? []) {
      if (before.snapshot === undefined) forgetRow(entity)
      else setSnapshot(entity, before.snapshot)
      if (before.links === undefined) forgetLinks(entity)
      else setLinks(entity, before.links)
    }
    const inserted: object[] = []
    for (const { entities, start, end } of this.inserted) {
      for (let i = start; i < end; i += 1) {
        const entity = entities[i]!
        forgetRow(entity)
        forgetLinks(entity)
        inserted.push(entity)
      }
    }
    const result = { inserted, deleted: this.deleted }
    this.clear()
    return result
  }

  clear(): void {
    // New arrays only when something was logged (a session per read logs nothing); `deleted` may
    // have been handed out by rollback.
    if (this.inserted.length > 0) this.inserted = []
    if (this.deleted.length > 0) this.deleted = []
    this.before = undefined
  }
}
