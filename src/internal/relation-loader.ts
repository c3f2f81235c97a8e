import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { Connection } from "./drivers/connection"
import type { Dialect } from "./drivers/dialect"
import { readColumn, type ColumnPlan, type EntityPlan } from "./entity-plan"

/** Relations to load, by property name, each with the relations to load below it. */
export interface RelationTree {
  readonly [property: string]: RelationTree
}

/**
 * The `relations` of find options as a tree, or undefined when they name something the loader
 * does not handle (lazy or composite-key relations, unknown names): TypeORM loads those instead.
 */
export function relationTree(
  plan: EntityPlan,
  relations: unknown,
  planOf: (target: unknown) => EntityPlan,
): RelationTree | undefined {
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
  return supported(plan, tree, planOf) ? (tree as RelationTree) : undefined
}

function supported(
  plan: EntityPlan,
  tree: Record<string, unknown>,
  planOf: (target: unknown) => EntityPlan,
): boolean {
  for (const [name, child] of Object.entries(tree)) {
    const relation = plan.relations.find((candidate) => candidate.propertyName === name)
    if (!relation || relation.isLazy) return false
    if (relation.isManyToMany) {
      if (!plan.links.some((link) => link.relation === relation)) return false
    } else {
      const owner =
        relation.isManyToOne || relation.isOneToOneOwner ? relation : relation.inverseRelation
      if (!owner || owner.joinColumns.length !== 1) return false
    }
    if (plan.primary.length !== 1) return false
    const target = planOf(relation.inverseEntityMetadata.target)
    if (target.primary.length !== 1) return false
    if (!supported(target, child as Record<string, unknown>, planOf)) return false
  }
  return true
}

export interface LoaderContext {
  readonly connection: Connection
  readonly dialect: Dialect
  planOf(target: unknown): EntityPlan
  adoptRow(plan: EntityPlan, row: readonly unknown[]): object
  /** The links of a many-to-many relation were just read: remember them as known. */
  linksLoaded(entity: object, relation: RelationMetadata, related: readonly object[]): void
}

/**
 * Loads relations the way TypeORM's "query" strategy does, one batched query per relation and
 * level (`WHERE key IN (…)`), instead of one join whose rows multiply with every array loaded.
 * Rows go through the session's identity map like any other read.
 */
export async function loadRelations(
  context: LoaderContext,
  plan: EntityPlan,
  parents: readonly object[],
  tree: RelationTree,
): Promise<void> {
  if (parents.length === 0) return
  for (const [name, below] of Object.entries(tree)) {
    const relation = plan.relations.find((candidate) => candidate.propertyName === name)!
    const target = context.planOf(relation.inverseEntityMetadata.target)
    const loaded = relation.isManyToMany
      ? await loadManyToMany(context, plan, target, relation, parents)
      : relation.isManyToOne || relation.isOneToOneOwner
        ? await loadOwner(context, plan, target, relation, parents)
        : await loadInverse(context, plan, target, relation, parents)
    await loadRelations(context, target, loaded, below)
  }
}

// The parent holds the foreign key: look the related rows up by their primary key.
async function loadOwner(
  context: LoaderContext,
  plan: EntityPlan,
  target: EntityPlan,
  relation: RelationMetadata,
  parents: readonly object[],
): Promise<object[]> {
  const joinColumn = plan.joinColumns.find((column) => column.relation === relation)!
  const keys = distinct(
    joinColumn,
    parents.map((parent) => readColumn(parent, joinColumn)),
  )
  const byKey = new Map<string, object>()
  const primary = target.primary[0]!
  for (const row of await selectIn(context, target, primary, keys, "")) {
    const entity = context.adoptRow(target, row)
    byKey.set(primary.key(row[primary.index]), entity)
  }
  for (const parent of parents) {
    const key = readColumn(parent, joinColumn)
    ;(parent as Record<string, unknown>)[relation.propertyName] =
      key == null ? null : (byKey.get(primary.key(key)) ?? null)
  }
  return [...byKey.values()]
}

// The related rows hold the foreign key: one query for the children of every parent.
async function loadInverse(
  context: LoaderContext,
  plan: EntityPlan,
  target: EntityPlan,
  relation: RelationMetadata,
  parents: readonly object[],
): Promise<object[]> {
  const owner = relation.inverseRelation!
  const foreignKey = target.joinColumns.find((column) => column.relation === owner)!
  const primary = plan.primary[0]!
  const keys = distinct(
    primary,
    parents.map((parent) => readColumn(parent, primary)),
  )
  const children = new Map<string, object[]>()
  const all: object[] = []
  for (const row of await selectIn(context, target, foreignKey, keys, orderByPrimary(target))) {
    const child = context.adoptRow(target, row)
    const key = foreignKey.key(row[foreignKey.index])
    let list = children.get(key)
    if (!list) children.set(key, (list = []))
    list.push(child)
    all.push(child)
  }
  for (const parent of parents) {
    const list = children.get(primary.key(readColumn(parent, primary))) ?? []
    ;(parent as Record<string, unknown>)[relation.propertyName] = relation.isOneToMany
      ? list
      : (list[0] ?? null)
  }
  return all
}

// Through the link table: the related rows joined with the link rows of every parent.
async function loadManyToMany(
  context: LoaderContext,
  plan: EntityPlan,
  target: EntityPlan,
  relation: RelationMetadata,
  parents: readonly object[],
): Promise<object[]> {
  const link = plan.links.find((candidate) => candidate.relation === relation)!
  const { dialect } = context
  const primary = plan.primary[0]!
  const keys = distinct(
    primary,
    parents.map((parent) => readColumn(parent, primary)),
  )
  const related = new Map<string, object[]>()
  const all = new Map<object, true>()
  const own = dialect.escape(link.ownColumn)
  const other = dialect.escape(link.otherColumn)
  const targetKey = target.primary[0]!.sqlName
  for (const chunk of chunks(keys, dialect.maxParameters)) {
    const sql = target.cached(`m2m:${link.table}:${link.ownColumn}:${chunk.length}`, () => {
      const columns = target.columns.map((column) => `t.${column.sqlName}`).join(", ")
      const slots = chunk.map((_, i) => dialect.placeholder(i + 1)).join(", ")
      return `SELECT ${columns}, l.${own} FROM ${target.table} t INNER JOIN ${link.table} l ON l.${other} = t.${targetKey} WHERE l.${own} IN (${slots}) ORDER BY t.${targetKey}`
    })
    for (const row of await context.connection.rows(sql, chunk)) {
      const entity = context.adoptRow(target, row)
      const key = primary.key(row[target.columns.length])
      let list = related.get(key)
      if (!list) related.set(key, (list = []))
      list.push(entity)
      all.set(entity, true)
    }
  }
  for (const parent of parents) {
    const list = related.get(primary.key(readColumn(parent, primary))) ?? []
    ;(parent as Record<string, unknown>)[relation.propertyName] = list
    context.linksLoaded(parent, relation, list)
  }
  return [...all.keys()]
}

function orderByPrimary(plan: EntityPlan): string {
  return ` ORDER BY ${plan.primary.map((column) => column.sqlName).join(", ")}`
}

async function selectIn(
  context: LoaderContext,
  plan: EntityPlan,
  column: ColumnPlan,
  keys: readonly unknown[],
  suffix: string,
): Promise<unknown[][]> {
  const { dialect } = context
  const rows: unknown[][] = []
  for (const chunk of chunks(keys, dialect.maxParameters)) {
    const sql = plan.cached(`in:${column.index}:${chunk.length}:${suffix}`, () => {
      const slots = chunk.map((_, i) => dialect.placeholder(i + 1)).join(", ")
      return `SELECT ${plan.selectList} FROM ${plan.table} WHERE ${column.sqlName} IN (${slots})${suffix}`
    })
    const params = chunk.map((key) => column.toDatabase(key))
    for (const row of await context.connection.rows(sql, params)) rows.push(row)
  }
  return rows
}

function distinct(column: ColumnPlan, values: readonly unknown[]): unknown[] {
  const seen = new Map<string, unknown>()
  for (const value of values) {
    if (value === null || value === undefined) continue
    const key = column.key(value)
    if (!seen.has(key)) seen.set(key, value)
  }
  return [...seen.values()]
}

function* chunks<T>(values: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < values.length; start += size) yield values.slice(start, start + size)
}
