import type { EntityMetadata } from "typeorm"
import { readColumn } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { eachSliced, type Turn } from "./slice-yield"
import type { EntityBatch } from "./work"

const typeOrders = new WeakMap<readonly EntityMetadata[], Map<EntityMetadata, number>>()

/**
 * Every entity after the entities its foreign keys point at (self-references aside): the order
 * in which their rows can be inserted. Deletes go the other way. Computed once per list.
 */
export function typeOrder(metadatas: readonly EntityMetadata[]): Map<EntityMetadata, number> {
  let order = typeOrders.get(metadatas)
  if (order) return order
  const result = new Map<EntityMetadata, number>()
  const visiting = new Set<EntityMetadata>()
  const visit = (metadata: EntityMetadata): void => {
    if (result.has(metadata) || visiting.has(metadata)) return
    visiting.add(metadata)
    for (const relation of metadata.relations) {
      if (
        (relation.isManyToOne || relation.isOneToOneOwner) &&
        relation.inverseEntityMetadata !== metadata
      ) {
        visit(relation.inverseEntityMetadata)
      }
    }
    visiting.delete(metadata)
    result.set(metadata, result.size)
  }
  for (const metadata of metadatas) visit(metadata)
  order = result
  typeOrders.set(metadatas, order)
  return order
}

/** Rows of a self-referencing table ordered so that a parent comes before its children. */
export function parentsFirst(plan: EntityPlan, entities: object[]): object[] {
  if (entities.length < 2) return entities
  const selfColumns = plan.joinColumns.filter(
    (column) => column.relation!.inverseEntityMetadata === plan.metadata,
  )
  if (selfColumns.length === 0) return entities
  const byId = new Map<string, object>()
  for (const entity of entities) {
    const id = plan.identity(entity)
    if (id !== undefined) byId.set(id, entity)
  }
  const ordered: object[] = []
  const placed = new Set<object>()
  const place = (entity: object, depth: number): void => {
    if (placed.has(entity) || depth > entities.length) return
    for (const column of selfColumns) {
      const parentId = readColumn(entity, column)
      const parent = parentId == null ? undefined : byId.get(column.key(parentId))
      if (parent && parent !== entity) place(parent, depth + 1)
    }
    // On a cycle of parents, the walk up the cycle has placed this entity already.
    if (placed.has(entity)) return
    placed.add(entity)
    ordered.push(entity)
  }
  for (const entity of entities) place(entity, 0)
  return ordered
}

// Groups entities by plan, each group in the order visited.
function grouper(planFor: (entity: object) => EntityPlan): {
  readonly groups: Map<EntityPlan, object[]>
  readonly visit: (entity: object) => void
} {
  const groups = new Map<EntityPlan, object[]>()
  let lastPlan: EntityPlan | undefined
  let lastList: object[] | undefined
  const visit = (entity: object): void => {
    const plan = planFor(entity)
    if (plan !== lastPlan) {
      lastPlan = plan
      lastList = groups.get(plan)
      if (!lastList) groups.set(plan, (lastList = []))
    }
    lastList!.push(entity)
  }
  return { groups, visit }
}

// Entities grouped by plan, each group in the order given.
function byPlan(
  entities: Iterable<object>,
  planFor: (entity: object) => EntityPlan,
): Map<EntityPlan, object[]> {
  const { groups, visit } = grouper(planFor)
  for (const entity of entities) visit(entity)
  return groups
}

// The groups in type order (`direction` 1: parents' tables first; -1: children's tables first).
function inTypeOrder(
  groups: Map<EntityPlan, object[]>,
  metadatas: readonly EntityMetadata[],
  direction: 1 | -1,
): [EntityPlan, object[]][] {
  // One table (a commit of one kind of row, the common case) has nothing to sort.
  if (groups.size < 2) return [...groups.entries()]
  const order = typeOrder(metadatas)
  const rank = (plan: EntityPlan): number => direction * (order.get(plan.metadata) ?? 0)
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b))
}

/** New entities in insert order: parents' tables first, parent rows before child rows. */
export function orderInserts(
  entities: Iterable<object>,
  planFor: (entity: object) => EntityPlan,
  metadatas: readonly EntityMetadata[],
): EntityBatch[] {
  return inTypeOrder(byPlan(entities, planFor), metadatas, 1).map(([plan, list]) => ({
    plan,
    entities: parentsFirst(plan, list),
  }))
}

/**
 * `orderInserts` for a flush: the event loop may turn while its entities are grouped (100,000
 * new objects take several milliseconds).
 */
export function orderInsertsSliced(
  entities: Iterable<object>,
  planFor: (entity: object) => EntityPlan,
  metadatas: readonly EntityMetadata[],
  turn: Turn,
): EntityBatch[] | Promise<EntityBatch[]> {
  const { groups, visit } = grouper(planFor)
  const order = (): EntityBatch[] =>
    inTypeOrder(groups, metadatas, 1).map(([plan, list]) => ({
      plan,
      entities: parentsFirst(plan, list),
    }))
  const grouping = eachSliced(entities, turn, visit)
  return grouping ? grouping.then(order) : order()
}

/** Deleted entities in delete order: children's tables first. */
export function orderDeletes(
  entities: Iterable<object>,
  planFor: (entity: object) => EntityPlan,
  metadatas: readonly EntityMetadata[],
): EntityBatch[] {
  return inTypeOrder(byPlan(entities, planFor), metadatas, -1).map(([plan, list]) => ({
    plan,
    entities: list,
  }))
}
