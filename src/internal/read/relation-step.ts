import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import type { LinkPlan } from "../metadata/link-plan"

/** How the loader reads one relation of an entity: worked out once per plan and relation name. */
export type RelationStep =
  /** The parent holds the foreign key (`joinColumn`): the related rows by primary key. */
  | {
      readonly kind: "owner"
      readonly relation: RelationMetadata
      readonly target: EntityPlan
      readonly joinColumn: ColumnPlan
    }
  /** The related rows hold the foreign key (`foreignKey`, a column of the target). */
  | {
      readonly kind: "inverse"
      readonly relation: RelationMetadata
      readonly target: EntityPlan
      readonly foreignKey: ColumnPlan
    }
  /** Many-to-many, through the junction `link`. */
  | {
      readonly kind: "link"
      readonly relation: RelationMetadata
      readonly target: EntityPlan
      readonly link: LinkPlan
    }

// null: the relation exists but the loader does not handle it (TypeORM loads it instead).
const steps = new WeakMap<EntityPlan, Map<string, RelationStep | null>>()

/**
 * The step of relation `name` of `plan`, or undefined when the session's loader does not handle
 * it (unknown name, lazy, composite keys on either side): a find naming it goes through TypeORM.
 */
export function relationStep(plan: EntityPlan, name: string): RelationStep | undefined {
  let byName = steps.get(plan)
  if (!byName) steps.set(plan, (byName = new Map<string, RelationStep | null>()))
  let step = byName.get(name)
  if (step === undefined) byName.set(name, (step = planStep(plan, name)))
  return step ?? undefined
}

function planStep(plan: EntityPlan, name: string): RelationStep | null {
  const relation = plan.relations.find((candidate) => candidate.propertyName === name)
  if (!relation || relation.isLazy || plan.primary.length !== 1) return null
  const target = plan.planOf(relation.inverseEntityMetadata.target)
  if (target.primary.length !== 1) return null
  if (relation.isManyToMany) {
    const link = plan.links.find((candidate) => candidate.relation === relation)
    return link ? { kind: "link", relation, target, link } : null
  }
  if (relation.isManyToOne || relation.isOneToOneOwner) {
    if (relation.joinColumns.length !== 1) return null
    const joinColumn = plan.joinColumns.find((column) => column.relation === relation)
    return joinColumn ? { kind: "owner", relation, target, joinColumn } : null
  }
  const owner = relation.inverseRelation
  if (!owner || owner.joinColumns.length !== 1) return null
  const foreignKey = target.joinColumns.find((column) => column.relation === owner)
  return foreignKey ? { kind: "inverse", relation, target, foreignKey } : null
}
