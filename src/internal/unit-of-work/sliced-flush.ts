import type { EntityMetadata } from "typeorm"
import type { Connection } from "../drivers/connection"
import type { Dialect } from "../drivers/dialect"
import type { EntityPlan } from "../metadata/entity-plan"
import { cascade, type CascadeScope } from "./cascade"
import { computeChangeSet, computeLinkChanges, prepareInsert } from "./change-set-computer"
import { persistWork, type WrittenRows } from "./change-set-persister"
import { orderDeletes, orderInsertsSliced } from "./commit-order"
import { isPersisted, linksOf, setLinks, setSnapshot, type LinkState } from "./entity-state"
import { IdentityMap } from "./identity-map"
import { keepShapeOf } from "../shape-anchor"
import { andThen, eachSliced, runSteps, type Turn } from "./slice-yield"
import { UndoLog } from "./undo-log"
import type { ChangeSet, EntityBatch, LinkChange, Work } from "./work"
import type { WorkValidator } from "./work-validator"

// A flush in slices. Every step that goes over the flush's rows (staging, change sets and
// checks, writing, recording what was written) lets the event loop turn when a slice of time is
// over (slice-yield.ts), so a 100,000-row commit never holds the loop for long; and each
// statement's rows are recorded (undo log, identity map) as soon as it succeeded, so what a
// flush keeps while it writes is its rows' snapshots and one statement's parameters.
//
// What is checked before anything is sent stays so: every row is prepared (ids, stamps,
// defaults) and checked before the first statement, so a value that cannot be stored is refused
// with nothing begun. A statement that fails after others succeeded leaves those recorded in
// the undo log, which the session replays when it rolls the transaction back.

/**
 * What a flush reads and moves on in its unit of work (the unit of work itself: a session per
 * commit builds no object of functions for its flush). Its cascade scope is what `add` reaches.
 */
export interface FlushState extends CascadeScope {
  /** Added and not yet written (a flush's inserts leave once all its statements succeeded). */
  readonly newObjects: Set<object>
  readonly deleted: Set<object>
  readonly identities: IdentityMap
  readonly undoLog: UndoLog
  metadatas(): readonly EntityMetadata[]
  /** `planFor` as a function of its own, for callbacks. */
  readonly planOfEntity: (entity: object) => EntityPlan
  newValidator(): WorkValidator
  /** Whether newObjects holds just what was staged (nothing added or dropped since). */
  stagedAlone(): boolean
}

/**
 * What `add` reaches is staged too; the new objects in the order their rows go in. Like every
 * step of a flush here, it returns a promise only when it gave the event loop a turn.
 */
export function stageInserts(
  state: FlushState,
  turn: Turn,
): EntityBatch[] | Promise<EntityBatch[]> {
  const { newObjects, identities } = state
  const cascading = cascade(
    identities.size === 0 ? newObjects : [...newObjects, ...identities.values()],
    state,
    turn,
  )
  return andThen(cascading, () => {
    // One new object (a commit of one row): one batch, nothing to group or order.
    if (newObjects.size === 1) {
      const entity = newObjects.values().next().value!
      return [{ plan: state.planFor(entity), entities: [entity] }]
    }
    return orderInsertsSliced(newObjects, state.planOfEntity, state.metadatas(), turn)
  })
}

/**
 * The rest of a flush's work once the new objects are staged: their rows (ids, stamps, defaults),
 * the changes of tracked objects, links, deletes; every value checked (work-validator.ts).
 */
export function completeWork(
  state: FlushState,
  inserts: EntityBatch[],
  now: Date,
  turn: Turn,
): Work | Promise<Work> {
  const validator = state.newValidator()
  const updates: ChangeSet[] = []
  const links: LinkChange[] = []
  const steps: (() => Promise<void> | undefined)[] = []
  for (const { plan, entities } of inserts) {
    steps.push(() =>
      eachSliced(entities, turn, (entity) => {
        prepareInsert(plan, entity, now)
        validator.insert(plan, entity)
      }),
    )
  }
  // A session of new objects only (a commit of new rows) has no tracked object to compare: no
  // walk of the identity map (looked at when the step runs, after what an earlier turn added).
  steps.push(() =>
    state.identities.size === 0
      ? undefined
      : eachSliced(state.identities.values(), turn, (entity) => {
          if (state.deleted.has(entity)) return
          const plan = state.planFor(entity)
          const update = computeChangeSet(plan, entity, now)
          if (update) {
            validator.update(update)
            updates.push(update)
          }
          if (plan.links.length > 0) computeLinkChanges(plan, entity, links)
        }),
  )
  for (const { plan, entities } of inserts) {
    if (plan.links.length === 0) continue
    steps.push(() =>
      eachSliced(entities, turn, (entity) => computeLinkChanges(plan, entity, links)),
    )
  }
  const finish = (): Work => {
    const deletes =
      state.deleted.size === 0
        ? []
        : orderDeletes(
            [...state.deleted].filter(isPersisted),
            state.planOfEntity,
            state.metadatas(),
          )
    validator.finish()
    return { inserts, updates, links, deletes }
  }
  return andThen(runSteps(steps), finish)
}

/** Writes the work, recording each statement's rows once it succeeded (see `Recorder`). */
export function writeWork(
  state: FlushState,
  work: Work,
  connection: Connection,
  dialect: Dialect,
  turn: Turn,
): Promise<void> {
  return persistWork(work, connection, dialect, { turn, written: new Recorder(state) })
}

/**
 * What a statement that succeeded means for the session: new objects become tracked, snapshots
 * and links move on, deleted objects are forgotten; the undo log remembers what they were.
 * (A class: a flush builds one, and a commit of one row is one flush.)
 */
class Recorder implements WrittenRows {
  private readonly deletedObjects: Set<object>
  private readonly identities: IdentityMap
  private readonly undoLog: UndoLog

  constructor(state: FlushState) {
    this.deletedObjects = state.deleted
    this.identities = state.identities
    this.undoLog = state.undoLog
  }

  inserted(plan: EntityPlan, entities: readonly object[], start: number, end: number): void {
    this.undoLog.recordInserts(entities, start, end)
    for (let i = start; i < end; i += 1) {
      const entity = entities[i]!
      const identity = plan.identity(entity)
      if (identity !== undefined) this.identities.set(plan.metadata, identity, entity)
      // Rows inserted through TypeORM (database-generated ids) get their snapshot here.
      if (!isPersisted(entity)) setSnapshot(entity, plan.snapshotRow(entity))
    }
  }

  updated({ plan, entity }: ChangeSet): void {
    this.undoLog.recordChange(entity)
    setSnapshot(entity, plan.snapshotRow(entity))
  }

  linked(change: LinkChange): void {
    this.undoLog.recordChange(change.entity)
    let links = linksOf(change.entity)
    if (!links) setLinks(change.entity, (links = new Map() as LinkState))
    else if (this.undoLog.ownsLinks(change.entity, links)) {
      setLinks(change.entity, (links = new Map(links)))
    }
    links.set(change.link.relation, change.current)
  }

  deleted(plan: EntityPlan, entities: readonly object[], start: number, end: number): void {
    for (let i = start; i < end; i += 1) {
      const entity = entities[i]!
      this.deletedObjects.delete(entity)
      this.undoLog.recordDelete(entity)
      const identity = plan.identity(entity)
      if (identity !== undefined) this.identities.delete(plan.metadata, identity, entity)
    }
  }
}

// Keeps the class's map alive across full GCs (see shape-anchor.ts); it records nothing.
keepShapeOf(
  new Recorder({
    deleted: new Set(),
    identities: new IdentityMap(),
    undoLog: new UndoLog(),
  } as FlushState),
)

/**
 * The end of a flush whose statements all succeeded: its new objects are staged no more;
 * relations of tracked objects stop pointing
 * at deleted ones (an array loses them, a single reference becomes "not loaded"), as if they had
 * been read again; deletes of objects that never reached the database need no statement.
 */
export function finishFlush(state: FlushState, work: Work, turn: Turn): Promise<void> | undefined {
  // The new objects were the flush's inserts, unless some were added or dropped meanwhile.
  if (state.stagedAlone()) state.newObjects.clear()
  else {
    for (const { entities } of work.inserts) {
      for (const entity of entities) state.newObjects.delete(entity)
    }
  }
  const letGo = work.deletes.length > 0 ? letGoOfDeleted(state, work, turn) : undefined
  const forgetUnwritten = (): undefined => {
    for (const entity of state.deleted) if (!isPersisted(entity)) state.deleted.delete(entity)
    return undefined
  }
  return letGo ? letGo.then(forgetUnwritten) : forgetUnwritten()
}

// Relations of tracked objects stop pointing at the flush's deleted objects.
function letGoOfDeleted(state: FlushState, work: Work, turn: Turn): Promise<void> | undefined {
  const gone = new Set<object>()
  for (const { entities } of work.deletes) for (const entity of entities) gone.add(entity)
  return eachSliced(state.identities.values(), turn, (entity) => {
    const record = entity as Record<string, unknown>
    for (const relation of state.planFor(entity).relations) {
      const value = record[relation.propertyName]
      if (Array.isArray(value)) {
        if (value.some((item) => gone.has(item as object))) {
          record[relation.propertyName] = value.filter((item) => !gone.has(item as object))
        }
      } else if (value && typeof value === "object" && gone.has(value)) {
        record[relation.propertyName] = undefined
      }
    }
  })
}
