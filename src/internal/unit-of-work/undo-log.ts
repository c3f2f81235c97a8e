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

/**
 * What one transaction changed in the shared entity state, so that a rollback puts it back and
 * a commit makes it final.
 */
export class UndoLog {
  private inserted: object[] = []
  private deleted: object[] = []
  private readonly before = new Map<object, Before>()

  /** The entity's row was inserted in this transaction. */
  recordInsert(entity: object): void {
    this.inserted.push(entity)
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
    if (this.before.has(entity)) return
    this.before.set(entity, { snapshot: snapshotOf(entity), links: linksOf(entity) })
  }

  /** Whether `links` is the link state the entity had before this transaction (never mutate it). */
  ownsLinks(entity: object, links: LinkState): boolean {
    return this.before.get(entity)?.links === links
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
  rollback(): { readonly inserted: readonly object[]; readonly deleted: readonly object[] } {
    for (const [entity, before] of this.before) {
      if (before.snapshot === undefined) forgetRow(entity)
      else setSnapshot(entity, before.snapshot)
      if (before.links === undefined) forgetLinks(entity)
      else setLinks(entity, before.links)
    }
    for (const entity of this.inserted) {
      forgetRow(entity)
      forgetLinks(entity)
    }
    const result = { inserted: this.inserted, deleted: this.deleted }
    this.clear()
    return result
  }

  clear(): void {
    this.inserted = []
    this.deleted = []
    this.before.clear()
  }
}
