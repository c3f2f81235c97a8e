import type { EntityPlan } from "../metadata/entity-plan"
import { relationStep } from "./relation-step"

/** Relations to load, by property name, each with the relations to load below it. */
export interface RelationTree {
  readonly [property: string]: RelationTree
}

/**
 * The `relations` of find options as a tree, or undefined when they name something the loader
 * does not handle (lazy or composite-key relations, unknown names): TypeORM loads those instead.
 */
export function relationTree(plan: EntityPlan, relations: unknown): RelationTree | undefined {
  const tree: Record<string, Record<string, unknown>> = {}
  if (Array.isArray(relations)) {
    for (const path of relations) {
      if (typeof path !== "string") return undefined
      let level: Record<string, unknown> = tree
      for (const name of path.split(".")) {
        level = (level[name] ??= {}) as Record<string, unknown>
      }
    }
  } else if (relations && typeof relations === "object") {
    const copy = (source: object, target: Record<string, unknown>): boolean => {
      for (const [name, value] of Object.entries(source)) {
        if (value === false || value === undefined) continue
        const child: Record<string, unknown> = {}
        target[name] = child
        if (
          value !== true &&
          (typeof value !== "object" || value === null || !copy(value as object, child))
        ) {
          return false
        }
      }
      return true
    }
    if (!copy(relations, tree)) return undefined
  } else {
    return undefined
  }
  return supported(plan, tree) ? (tree as RelationTree) : undefined
}

function supported(plan: EntityPlan, tree: Record<string, unknown>): boolean {
  for (const name in tree) {
    const step = relationStep(plan, name)
    if (!step || !supported(step.target, tree[name] as Record<string, unknown>)) return false
  }
  return true
}
