import type { QueryRunner } from "typeorm"
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata"
import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import { BroadcasterResult } from "typeorm/subscriber/BroadcasterResult"
import { writeColumn } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { snapshotOf } from "./entity-state"
import type { EntityBatch, Work } from "./work"

/*
 * TypeORM's lifecycle events on the session's writes and reads, sent through TypeORM's own
 * Broadcaster (entity listeners and subscribers alike, async ones awaited), only for entities
 * whose plan says something listens (`EntityPlan.events`).
 */

/** The query runner of the session's transaction, begun when an event first needs it. */
export type QueryRunnerSource = () => Promise<QueryRunner>

/** What the database held of updated and deleted rows, for events (`event.databaseEntity`). */
export type DatabaseEntities = Map<object, object | undefined>

/** `beforeInsert` for the new entities, before any of their row values is taken. */
export async function beforeInsert(
  inserts: readonly EntityBatch[],
  runner: QueryRunnerSource,
): Promise<void> {
  const result = new BroadcasterResult()
  for (const { plan, entities } of inserts) {
    if (!plan.events?.beforeInsert) continue
    const { broadcaster } = await runner()
    for (const entity of entities)
      broadcaster.broadcastBeforeInsertEvent(result, plan.metadata, entity)
  }
  await result.wait()
}

/**
 * `beforeUpdate` for the tracked entities that changed, `beforeRemove` for those to delete.
 * Returns the updated entities a listener ran for: their changes are computed again.
 */
export async function beforeUpdateAndRemove(
  work: Work,
  planFor: (entity: object) => EntityPlan,
  runner: QueryRunnerSource,
  before: DatabaseEntities,
): Promise<Map<object, EntityPlan>> {
  const result = new BroadcasterResult()
  const updated = new Map<object, EntityPlan>()
  for (const { plan, entity, columns, relations } of changedEntities(work, planFor)) {
    if (!plan.events?.beforeUpdate && !plan.events?.afterUpdate) continue
    before.set(entity, databaseEntity(plan, entity))
    if (!plan.events.beforeUpdate) continue
    const { broadcaster } = await runner()
    const databaseRow = before.get(entity)
    broadcaster.broadcastBeforeUpdateEvent(
      result,
      plan.metadata,
      entity,
      databaseRow,
      columns,
      relations,
    )
    updated.set(entity, plan)
  }
  for (const { plan, entities } of work.deletes) {
    if (!plan.events?.beforeRemove && !plan.events?.afterRemove) continue
    for (const entity of entities) before.set(entity, databaseEntity(plan, entity))
    if (!plan.events.beforeRemove) continue
    const { broadcaster } = await runner()
    for (const entity of entities) {
      const id = plan.metadata.getEntityIdMap(entity)
      broadcaster.broadcastBeforeRemoveEvent(result, plan.metadata, entity, before.get(entity), id)
    }
  }
  await result.wait()
  return updated
}

/** `afterInsert`, `afterUpdate`, `afterRemove` once the flush's statements succeeded. */
export async function afterWrite(
  work: Work,
  planFor: (entity: object) => EntityPlan,
  queryRunner: QueryRunner,
  before: DatabaseEntities,
): Promise<void> {
  const { broadcaster } = queryRunner
  const result = new BroadcasterResult()
  for (const { plan, entities } of work.inserts) {
    if (!plan.events?.afterInsert) continue
    for (const entity of entities) {
      const id = plan.metadata.getEntityIdMap(entity)
      broadcaster.broadcastAfterInsertEvent(result, plan.metadata, entity, id)
    }
  }
  for (const { plan, entity, columns, relations } of changedEntities(work, planFor)) {
    if (!plan.events?.afterUpdate) continue
    const databaseEntity = before.get(entity)
    broadcaster.broadcastAfterUpdateEvent(
      result,
      plan.metadata,
      entity,
      databaseEntity,
      columns,
      relations,
    )
  }
  for (const { plan, entities } of work.deletes) {
    if (!plan.events?.afterRemove) continue
    for (const entity of entities) {
      const id = plan.metadata.getEntityIdMap(entity)
      broadcaster.broadcastAfterRemoveEvent(result, plan.metadata, entity, before.get(entity), id)
    }
  }
  await result.wait()
}

/** What reads hydrate entities through: the session's unit of work. */
export interface Hydrating {
  /** The entities hydrated since the last call that need `afterLoad`, if there are any. */
  takeHydrated(): object[] | undefined
  readonly planOfEntity: (entity: object) => EntityPlan
}

/**
 * A read's result, once `afterLoad` ran for what it hydrated (at once when nothing listens). The
 * query runner is asked of `connection` only then: a server connection builds it on first use.
 */
export function afterRead<T>(
  hydrating: Hydrating,
  connection: { readonly queryRunner: QueryRunner },
  value: T,
): T | Promise<T> {
  const hydrated = hydrating.takeHydrated()
  if (!hydrated) return value
  return afterLoad(hydrated, hydrating.planOfEntity, connection.queryRunner).then(() => value)
}

/**
 * `afterLoad` for entities a read hydrated. Entities hydrated later (the related ones of a
 * relation load) come first, as TypeORM sends related entities' events before their parents'.
 */
export async function afterLoad(
  entities: readonly object[],
  planFor: (entity: object) => EntityPlan,
  queryRunner: QueryRunner,
): Promise<void> {
  const groups = new Map<EntityPlan, object[]>()
  for (const entity of entities) {
    const plan = planFor(entity)
    const group = groups.get(plan)
    if (group) group.push(entity)
    else groups.set(plan, [entity])
  }
  const result = new BroadcasterResult()
  for (const [plan, group] of [...groups].reverse()) {
    queryRunner.broadcaster.broadcastLoadEvent(result, plan.loadMetadata, group)
  }
  await result.wait()
}

/** A tracked entity a flush changes: its changed columns and relations (links included). */
interface Changed {
  readonly plan: EntityPlan
  readonly entity: object
  readonly columns: ColumnMetadata[]
  readonly relations: RelationMetadata[]
}

// The persisted entities whose columns or many-to-many links change, each once.
function changedEntities(work: Work, planFor: (entity: object) => EntityPlan): Changed[] {
  const changed = new Map<object, Changed>()
  for (const { plan, entity, columns } of work.updates) {
    changed.set(entity, {
      plan,
      entity,
      columns: columns.map((column) => column.column),
      relations: columns.flatMap((column) => (column.relation ? [column.relation] : [])),
    })
  }
  const inserted = new Set<object>()
  for (const { entities } of work.inserts) for (const entity of entities) inserted.add(entity)
  for (const { link, entity } of work.links) {
    if (inserted.has(entity)) continue
    let known = changed.get(entity)
    if (!known) {
      known = { plan: planFor(entity), entity, columns: [], relations: [] }
      changed.set(entity, known)
    }
    known.relations.push(link.relation)
  }
  return [...changed.values()]
}

// The entity as its row was before this flush (from its snapshot), as TypeORM's
// `databaseEntity`; undefined for an entity with no snapshot.
function databaseEntity(plan: EntityPlan, entity: object): object | undefined {
  const snapshot = snapshotOf(entity)
  if (!snapshot) return undefined
  const copy = Object.create(Object.getPrototypeOf(entity) as object) as object
  for (const column of plan.columns) {
    writeColumn(copy, column, column.restore(snapshot[column.index]))
  }
  return copy
}
