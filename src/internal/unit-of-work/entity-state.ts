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
 * more than a property. The slot is a symbol, not enumerable: keys, JSON, spreads, equality and
 * inspection never see it. It is emptied, never deleted (a delete turns the object's properties
 * into a dictionary). An object that cannot take it (frozen, sealed) is kept in the WeakMap.
 */
const SNAPSHOT = Symbol("concrete-db.snapshot")
/** Objects that cannot hold the slot (or no longer let it change); `undefined`: no row. */
const snapshotsOfSealed = new WeakMap<object, Snapshot | undefined>()
let anySealed = false

interface WithSnapshot {
  [SNAPSHOT]?: Snapshot | undefined
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
  return (entity as WithSnapshot)[SNAPSHOT]
}

export function setSnapshot(entity: object, snapshot: Snapshot): void {
  putSnapshot(entity, snapshot)
}

/** The entity is no longer known to have a row (a rolled-back insert, a committed delete). */
export function forgetRow(entity: object): void {
  putSnapshot(entity, undefined)
}

function putSnapshot(entity: object, snapshot: Snapshot | undefined): void {
  if (Object.prototype.hasOwnProperty.call(entity, SNAPSHOT)) {
    // Refused (false) when the object was frozen after it got its slot.
    if (Reflect.set(entity, SNAPSHOT, snapshot)) return
  } else if (snapshot === undefined && !anySealed) {
    return
  } else if (Object.isExtensible(entity)) {
    Object.defineProperty(entity, SNAPSHOT, { value: snapshot, writable: true })
    return
  }
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
