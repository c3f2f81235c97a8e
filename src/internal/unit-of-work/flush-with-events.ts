import type { Connection } from "../drivers/connection"
import type { EntityPlan } from "../metadata/entity-plan"
import { computeChangeSet } from "./change-set-computer"
import {
  afterWrite,
  beforeInsert,
  beforeUpdateAndRemove,
  type DatabaseEntities,
  type QueryRunnerSource,
} from "./lifecycle-events"
import type { UnitOfWork } from "./unit-of-work"
import { isEmptyWork, type ChangeSet, type EntityBatch, type Work } from "./work"

/** What the session lends a flush: its transaction, and how it fails. */
export interface FlushControl {
  /** The connection with the transaction open (begun on first call). */
  begin(): Promise<Connection>
  /** Rolls the transaction back, in the database and in memory; the session refuses work. */
  fail(error: unknown): Promise<Error>
}

/**
 * The rest of a flush (the new objects staged) when some of the session's entities have listeners
 * or subscribers: the flush of
 * `Session.flushNow`, with TypeORM's events where TypeORM sends them. `beforeInsert` runs before
 * ids, stamps and defaults are filled in and row values taken; `beforeUpdate` once the changes
 * are known, which are then computed again, so that what a listener changes is written;
 * `beforeRemove` before the DELETEs; the after-events once every statement succeeded.
 *
 * A listener that throws fails the flush as a failed statement does (the transaction is rolled
 * back, the session refuses work until `rollback()`), and its own error is thrown.
 */
export async function flushWithEvents(
  unitOfWork: UnitOfWork,
  inserts: EntityBatch[],
  control: FlushControl,
): Promise<void> {
  const now = new Date()
  let connection: Connection | undefined
  let beginFailed = false
  const runner: QueryRunnerSource = async () => {
    try {
      connection ??= await control.begin()
    } catch (error) {
      beginFailed = true
      throw error
    }
    return connection.queryRunner
  }
  const listened = async <T>(events: () => Promise<T>): Promise<T> => {
    try {
      return await events()
    } catch (error) {
      if (!beginFailed) await control.fail(error)
      throw error
    }
  }
  // Values are refused before the flush's statements; when a listener began the transaction
  // already, it is failed as a listener's error fails it (its own writes are not kept).
  const refused = async <T>(step: () => T | Promise<T>): Promise<T> => {
    try {
      return await step()
    } catch (error) {
      if (connection) await control.fail(error)
      throw error
    }
  }
  await listened(() => beforeInsert(inserts, runner))
  const work = await refused(() => unitOfWork.completeWork(inserts, now))
  const before: DatabaseEntities = new Map()
  const planFor = unitOfWork.planOfEntity
  const updated = await listened(() => beforeUpdateAndRemove(work, planFor, runner, before))
  if (updated.size > 0) {
    recompute(work, updated, now)
    await refused(() => unitOfWork.validate(work)) // what a beforeUpdate listener set, too
  }
  if (isEmptyWork(work)) return
  connection ??= await control.begin()
  try {
    await unitOfWork.execute(work, connection)
  } catch (error) {
    unitOfWork.abandon(work)
    throw await control.fail(error)
  }
  await unitOfWork.afterFlush(work)
  const { queryRunner } = connection
  await listened(() => afterWrite(work, planFor, queryRunner, before))
}

// The changes of entities a `beforeUpdate` listener ran for, as they are now.
function recompute(work: Work, updated: ReadonlyMap<object, EntityPlan>, now: Date): void {
  const updates: ChangeSet[] = []
  const seen = new Set<object>()
  for (const change of work.updates) {
    seen.add(change.entity)
    const current = updated.has(change.entity)
      ? computeChangeSet(change.plan, change.entity, now)
      : change
    if (current) updates.push(current)
  }
  for (const [entity, plan] of updated) {
    if (seen.has(entity)) continue
    const current = computeChangeSet(plan, entity, now)
    if (current) updates.push(current)
  }
  work.updates.splice(0, work.updates.length, ...updates)
}
