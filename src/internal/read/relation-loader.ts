import type { Connection } from "../drivers/connection"
import { readColumn, type ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { selectInSql, selectLinkedSql } from "../sql/select-sql"
import type { RelationTree } from "./relation-tree"
import { relationStep, type RelationStep } from "./relation-step"
import type { RowAdopter } from "./row-adopter"

/**
 * Loads relations the way TypeORM's "query" strategy does, one batched query per relation and
 * level (`WHERE key IN (…)`), instead of one join whose rows multiply with every array loaded.
 * Rows go through the adopter (the session's identity map) like any other read.
 */
export async function loadRelations(
  connection: Connection,
  adopter: RowAdopter,
  plan: EntityPlan,
  parents: readonly object[],
  tree: RelationTree,
): Promise<void> {
  if (parents.length === 0) return
  for (const name in tree) {
    // relation-tree.ts checked every name: each has a step.
    const step = relationStep(plan, name)!
    const loaded =
      step.kind === "link"
        ? await loadManyToMany(connection, adopter, plan, step, parents)
        : step.kind === "owner"
          ? await loadOwner(connection, adopter, plan, step, parents)
          : await loadInverse(connection, adopter, plan, step, parents)
    await loadRelations(connection, adopter, step.target, loaded, tree[name]!)
  }
}

type Step<K extends RelationStep["kind"]> = Extract<RelationStep, { kind: K }>

// The parent holds the foreign key: look the related rows up by their primary key.
async function loadOwner(
  connection: Connection,
  adopter: RowAdopter,
  plan: EntityPlan,
  { target, relation, joinColumn }: Step<"owner">,
  parents: readonly object[],
): Promise<object[]> {
  const keys = distinct(joinColumn, parents)
  const byKey = new Map<string, object>()
  const primary = target.primary[0]!
  for (const row of await selectIn(connection, target, primary, keys, false)) {
    const entity = adopter.adoptRow(target, row)
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
  connection: Connection,
  adopter: RowAdopter,
  plan: EntityPlan,
  { target, relation, foreignKey }: Step<"inverse">,
  parents: readonly object[],
): Promise<object[]> {
  const primary = plan.primary[0]!
  const keys = distinct(primary, parents)
  // One parent (a findOne) owns every row read: no rows to sort by key.
  const single = parents.length === 1
  const children = new Map<string, object[]>()
  const own: object[] = []
  const all: object[] = []
  for (const row of await selectIn(connection, target, foreignKey, keys, true)) {
    const child = adopter.adoptRow(target, row)
    all.push(child)
    if (single) {
      own.push(child)
      continue
    }
    const key = foreignKey.key(row[foreignKey.index])
    let list = children.get(key)
    if (!list) children.set(key, (list = []))
    list.push(child)
  }
  for (const parent of parents) {
    const list = single ? own : (children.get(primary.key(readColumn(parent, primary))) ?? [])
    ;(parent as Record<string, unknown>)[relation.propertyName] = relation.isOneToMany
      ? list
      : (list[0] ?? null)
  }
  return all
}

// Through the link table: the related rows joined with the link rows of every parent.
async function loadManyToMany(
  connection: Connection,
  adopter: RowAdopter,
  plan: EntityPlan,
  { target, relation, link }: Step<"link">,
  parents: readonly object[],
): Promise<object[]> {
  const primary = plan.primary[0]!
  const keys = distinct(primary, parents)
  // One parent (a findOne) is linked to every row read: no rows to sort by key.
  const single = parents.length === 1
  const related = new Map<string, object[]>()
  const own: object[] = []
  const all = new Map<object, true>()
  const size = plan.dialect.maxParameters
  for (let start = 0; start < keys.length; start += size) {
    const chunk = keys.length <= size ? keys : keys.slice(start, start + size)
    for (const row of await connection.rows(selectLinkedSql(target, link, chunk.length), chunk)) {
      const entity = adopter.adoptRow(target, row)
      all.set(entity, true)
      if (single) {
        own.push(entity)
        continue
      }
      const key = primary.key(row[target.columns.length])
      let list = related.get(key)
      if (!list) related.set(key, (list = []))
      list.push(entity)
    }
  }
  for (const parent of parents) {
    const list = single ? own : (related.get(primary.key(readColumn(parent, primary))) ?? [])
    ;(parent as Record<string, unknown>)[relation.propertyName] = list
    adopter.linksLoaded(parent, relation, list)
  }
  return [...all.keys()]
}

async function selectIn(
  connection: Connection,
  target: EntityPlan,
  column: ColumnPlan,
  keys: readonly unknown[],
  orderByPrimary: boolean,
): Promise<unknown[][]> {
  // One statement per chunk of keys (the driver's parameter limit); none without keys.
  const size = target.dialect.maxParameters
  let rows: unknown[][] = []
  for (let start = 0; start < keys.length; start += size) {
    const chunk = keys.length <= size ? keys : keys.slice(start, start + size)
    const sql = selectInSql(target, column, chunk.length, orderByPrimary)
    const found = await connection.rows(
      sql,
      chunk.map((key) => column.toDatabase(key)),
    )
    if (start === 0) rows = found
    else for (const row of found) rows.push(row)
  }
  return rows
}

// The distinct values of `column` over the parents, nulls left out.
function distinct(column: ColumnPlan, parents: readonly object[]): unknown[] {
  if (parents.length === 1) {
    const value = readColumn(parents[0]!, column)
    return value === null || value === undefined ? [] : [value]
  }
  const seen = new Map<string, unknown>()
  for (const parent of parents) {
    const value = readColumn(parent, column)
    if (value === null || value === undefined) continue
    const key = column.key(value)
    if (!seen.has(key)) seen.set(key, value)
  }
  return [...seen.values()]
}
