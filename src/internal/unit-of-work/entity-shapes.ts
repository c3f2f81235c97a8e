import type { EntityPlan } from "../metadata/entity-plan"
import { setSnapshot } from "./entity-state"

// Why twins: V8 holds an object's hidden class (its map) only through the objects that have it,
// and code optimized for a map is thrown away when the map dies (shape-anchor.ts keeps the
// session's own classes alive for this reason). Entities are the application's. When every new
// entity of a class dies between two uses, as with a session per message, the next full GC takes
// their maps, and the functions optimized for them (staging, cascading, writing the row, the
// snapshot slot) are deoptimized ("weak objects" in --trace-deopt): the next 1,000 one-message
// commits then run slower while V8 learns the same shapes again.
//
// So the persister keeps, for each of the first few shapes of an entity it inserts, a twin: an
// instance made by the entity's own constructor (as TypeORM's `create` makes one; TypeORM
// requires its arguments to be optional), given the same properties in the same order with
// placeholder values of the same kinds ("" for a string, a Date of 0 for a Date), and a snapshot.
// A number or boolean is copied as it is: whether a number is small and whole decides how V8
// stores the field, which is part of the map. A twin holds no string, Date or object of the
// application's and is never given to anyone. A property holding anything but a primitive or a
// Date ends the copy there. Only the first batches of each entity are looked at.

/** How many inserted batches of an entity are looked at for a new shape. */
const LOOKS = 64

/** How many shapes of an entity are kept. */
const SHAPES = 4

const STOP = Symbol("stop")

class ShapeKeeper {
  looks = 0
  readonly seen: string[] = []
  readonly twins: object[] = []
}

const keepers = new WeakMap<EntityPlan, ShapeKeeper>()

/** The twins kept for `plan`, oldest first. */
export function keptShapes(plan: EntityPlan): readonly object[] {
  return keepers.get(plan)?.twins ?? []
}

/**
 * Keeps a twin of `entity`'s shape, just inserted and given its snapshot, when it is a shape of
 * its entity not seen yet, among the first `LOOKS` batches and up to `SHAPES` shapes.
 */
export function keepEntityShape(plan: EntityPlan, entity: object): void {
  let keeper = keepers.get(plan)
  if (keeper === undefined) {
    keeper = new ShapeKeeper()
    keepers.set(plan, keeper)
  }
  if (keeper.looks >= LOOKS || keeper.seen.length >= SHAPES) return
  keeper.looks += 1
  const keys = Object.keys(entity)
  const shape = keys.join("\u0000")
  if (keeper.seen.includes(shape)) return
  // Seen also when no twin can be made, so it is not tried again.
  keeper.seen.push(shape)
  const twin = twinOf(entity, keys, plan.columns.length)
  if (twin !== undefined) keeper.twins.push(twin)
}

type Constructible = new () => Record<string, unknown>

function twinOf(entity: object, keys: readonly string[], width: number): object | undefined {
  const prototype = Object.getPrototypeOf(entity) as { constructor?: unknown } | null
  const constructor = prototype?.constructor
  if (typeof constructor !== "function" || constructor.prototype !== prototype) return undefined
  let twin: Record<string, unknown>
  try {
    twin = new (constructor as Constructible)()
  } catch {
    return undefined
  }
  // What the constructor sets must come first in the entity, in the same order.
  const own = Object.keys(twin)
  for (let i = 0; i < own.length; i += 1) if (own[i] !== keys[i]) return undefined
  for (let i = own.length; i < keys.length; i += 1) {
    const key = keys[i]!
    const value = placeholder(Object.getOwnPropertyDescriptor(entity, key))
    if (value === STOP) return twin
    twin[key] = value
  }
  const snapshot = new Array<unknown>(width)
  for (let i = 0; i < width; i += 1) snapshot[i] = null
  setSnapshot(twin, snapshot)
  return twin
}

// A value of the same kind as the property's (a number or boolean itself: see above); STOP for
// what has no such value (an accessor, an object other than a Date, a function, a symbol).
function placeholder(property: PropertyDescriptor | undefined): unknown {
  if (property === undefined || !("value" in property) || property.writable !== true) return STOP
  const value: unknown = property.value
  switch (typeof value) {
    case "string":
      return ""
    case "number":
    case "boolean":
    case "undefined":
      return value
    case "bigint":
      return 0n
    case "object":
      if (value === null) return null
      return value instanceof Date ? new Date(0) : STOP
    default:
      return STOP
  }
}
