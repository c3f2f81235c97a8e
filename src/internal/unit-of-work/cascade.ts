import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { Constructor, EntityPlan } from "../metadata/entity-plan"
import { EVERY_ROWS, neverYield, type Turn } from "./slice-yield"

/** What cascading needs to know of the session. */
export interface CascadeScope {
  planFor(entity: object): EntityPlan
  /** Already staged for insert or delete, or deleted: nothing to bring in. */
  isStaged(entity: object): boolean
  /** Known to be in the database and tracked by this session. */
  isTracked(entity: object): boolean
  /** Brings an entity into the session (staged for insert, or tracked). */
  add(entity: object): void
}

/**
 * Brings in every entity reachable from `roots` through a relation that the session does not
 * have yet, as `add` does for each. A plain `{ id }` object stands for a row by reference and is
 * never brought in; only instances of the relation's entity class are. The walk lets the event loop
 * turn (`turn`) when a slice of time is over.
 */
export function cascade(
  roots: Iterable<object>,
  scope: CascadeScope,
  turn: Turn = neverYield,
): Promise<void> | undefined {
  return walkSliced([...roots], scope, turn)
}

// The walk itself is a plain function (an async function's loop is not optimized while it runs);
// a promise only once a turn is taken.
function walkSliced(stack: object[], scope: CascadeScope, turn: Turn): Promise<void> | undefined {
  while (walk(stack, scope, EVERY_ROWS)) {
    const waiting = turn()
    if (waiting) return waiting.then(() => walkSliced(stack, scope, turn))
  }
  return undefined
}

// Visits up to `budget` entities of the stack; whether some are left.
function walk(stack: object[], scope: CascadeScope, budget: number): boolean {
  for (let visited = 0; visited < budget; visited += 1) {
    const entity = stack.pop()
    if (entity === undefined) return false
    const record = entity as Record<string, unknown>
    for (const relation of scope.planFor(entity).relations) {
      const value = record[relation.propertyName]
      if (value === null || value === undefined || typeof value !== "object") continue
      const target = relation.inverseEntityMetadata.target as Constructor
      const pointsBack = relation.isOneToMany || relation.isOneToOneNotOwner
      const items: unknown[] = Array.isArray(value) ? value : [value]
      for (const item of items) {
        if (!(item instanceof target)) continue
        if (pointsBack) pointAt(item, relation, entity)
        if (scope.isStaged(item) || scope.isTracked(item)) continue
        scope.add(item)
        stack.push(item)
      }
    }
  }
  return stack.length > 0
}

/**
 * A child listed in a parent's one-to-many array (or the inverse side of a one-to-one) gets its
 * foreign key set to the parent, as the array says.
 */
export function pointAt(child: object, relation: RelationMetadata, parent: object): void {
  const owner = relation.inverseRelation
  const joinColumn = owner?.joinColumns[0]
  if (!owner || !joinColumn?.referencedColumn || owner.joinColumns.length !== 1) return
  const parentId = (parent as Record<string, unknown>)[joinColumn.referencedColumn.propertyName]
  const record = child as Record<string, unknown>
  if (joinColumn.isVirtual) {
    if (record[owner.propertyName] === undefined) record[owner.propertyName] = parent
    return
  }
  const related = record[owner.propertyName]
  if (related && typeof related === "object" && related !== parent) {
    // The child names another parent object; the array it sits in wins.
    record[owner.propertyName] = undefined
  }
  if (record[joinColumn.propertyName] !== parentId) record[joinColumn.propertyName] = parentId
}
