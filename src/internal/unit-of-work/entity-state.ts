import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { EntityPlan } from "../metadata/entity-plan"

/** What the database holds of an entity's row: every column by plan index, as stored. */
export type Snapshot = unknown[]

/** The linked ids of each many-to-many relation; `undefined`: not known. */
export type LinkState = Map<RelationMetadata, Set<string> | undefined>

/*
 * The state of every entity instance this process has read or written, shared by all sessions:
 * an object written by one session and used in another is known to exist, so it is updated
 * there, never inserted twice. It never keeps an entity alive. Sessions change it only through
 * the functions below, and keep an undo log (undo-log.ts) to put back what was here.
 *
 * Why a slot on the entity and not a WeakMap: a WeakMap rehashes all its entries in one piece as
 * it grows (86 ms at 87,381 entries, in the middle of a 100,000-row flush), and its entries cost
 * more than a property. The slot is a private field: keys, symbols, JSON, spreads, equality and
 * inspection (even showHidden) never see it. A field is added by a plain store whose shape
 * transition V8 caches, where a non-enumerable symbol property needs Object.defineProperty, a
 * runtime call (about 300 ns an entity against 35 ns, measured in a loop of hydrations). It is
 * emptied, never removed. An object that cannot take it (frozen, sealed) is kept in the WeakMap.
 */
/** Objects that could not take the slot; `undefined`: no row. */
const snapshotsOfSealed = new WeakMap<object, Snapshot | undefined>()
let anySealed = false

// A base constructor that returns another object makes a subclass's constructor install its
// fields on that object: the only way to give an existing object a private field.
class ReturnsTarget {
  constructor(target: object) {
    return target
  }
}

class SnapshotSlot extends ReturnsTarget {
  #snapshot: Snapshot | undefined

  private constructor(entity: object, snapshot: Snapshot | undefined) {
    super(entity)
    this.#snapshot = snapshot
  }

  static get(entity: object): Snapshot | undefined {
    return #snapshot in entity ? entity.#snapshot : undefined
  }

  // Whether the slot holds the snapshot now: a field once added stays writable when the object
  // is frozen later; a non-extensible object takes no new one, and none is added to hold nothing.
  static put(entity: object, snapshot: Snapshot | undefined): boolean {
    if (#snapshot in entity) entity.#snapshot = snapshot
    else if (snapshot !== undefined && Object.isExtensible(entity))
      new SnapshotSlot(entity, snapshot)
    else return false
    return true
  }
}

const linkStates = new WeakMap<object, LinkState>()
/** Instances whose rows a session deleted: a relation still pointing at one never re-inserts it. */
const deletedObjects = new WeakSet<object>()

/** Whether the entity's row is known to be in the database. */
export function isPersisted(entity: object): boolean {
  return snapshotOf(entity) !== undefined
}

/** What the database holds of the entity's row, if it is persisted. */
export function snapshotOf(entity: object): Snapshot | undefined {
  if (anySealed && snapshotsOfSealed.has(entity)) return snapshotsOfSealed.get(entity)
  return SnapshotSlot.get(entity)
}

export function setSnapshot(entity: object, snapshot: Snapshot): void {
  putSnapshot(entity, snapshot)
}

/** The entity is no longer known to have a row (a rolled-back insert, a committed delete). */
export function forgetRow(entity: object): void {
  putSnapshot(entity, undefined)
}

function putSnapshot(entity: object, snapshot: Snapshot | undefined): void {
  if (SnapshotSlot.put(entity, snapshot)) return
  if (snapshot === undefined && !(anySealed && snapshotsOfSealed.has(entity))) return
  anySealed = true
  snapshotsOfSealed.set(entity, snapshot)
}

/** The links the database holds for the entity's many-to-many relations, as far as known. */
export function linksOf(entity: object): LinkState | undefined {
  return linkStates.get(entity)
}

export function setLinks(entity: object, links: LinkState): void {
  linkStates.set(entity, links)
}

/**
 * The links of each loaded many-to-many array of an entity just read (what the database holds);
 * undefined when it has none loaded (a row just hydrated): no state is the same as all unknown.
 */
export function loadedLinks(plan: EntityPlan, entity: object): LinkState | undefined {
  let links: LinkState | undefined
  for (const link of plan.links) {
    const related = (entity as Record<string, unknown>)[link.relation.propertyName]
    if (Array.isArray(related))
      (links ??= new Map()).set(link.relation, plan.linkedIds(link, related))
  }
  return links
}

export function forgetLinks(entity: object): void {
  linkStates.delete(entity)
}

/** Whether a session deleted the entity's row (and it was not added again since). */
export function wasDeleted(entity: object): boolean {
  return deletedObjects.has(entity)
}

export function markDeleted(entity: object): void {
  deletedObjects.add(entity)
}

/** Adding a deleted object again means inserting it again. */
export function unmarkDeleted(entity: object): void {
  deletedObjects.delete(entity)
}
