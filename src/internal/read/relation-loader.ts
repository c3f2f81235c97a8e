import type { RelationMetadata } from "typeorm/metadata/RelationMetadata"
import type { Connection } from "../drivers/connection"
import { readColumn, type ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { selectInSql, selectLinkedSql } from "../sql/select-sql"
import type { RelationTree } from "./relation-tree"
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
  for (const [name, below] of Object.entries(tree)) {
    const relation = plan.relations.find((candidate) => candidate.propertyName === name)!
    const target = plan.planOf(relation.inverseEntityMetadata.target)
    const read = { connection, adopter, plan, target, relation }
    const loaded = relation.isManyToMany
      ? await loadManyToMany(read, parents)
      : relation.isManyToOne || relation.isOneToOneOwner
        ? await loadOwner(read, parents)
        : await loadInverse(read, parents)
    await loadRelations(connection, adopter, target, loaded, below)
  }
}

interface RelationRead {
  readonly connection: Connection
  readonly adopter: RowAdopter
  /** The parents' entity, and the related one. */
  readonly plan: EntityPlan
  readonly target: EntityPlan
  readonly relation: RelationMetadata
}

// The parent holds the foreign key: look the related rows up by their primary key.
async function loadOwner(read: RelationRead, parents: readonly object[]): Promise<object[]> {
  const { plan, target, relation } = read
  const joinColumn = plan.joinColumns.find((column) => column.relation === relation)!
  const keys = distinct(
    joinColumn,
    parents.map((parent) => readColumn(parent, joinColumn)),
  )
  const byKey = new Map<string, object>()
  const primary = target.primary[0]!
  for (const row of await selectIn(read, primary, keys, false)) {
    const entity = read.adopter.adoptRow(target, row)
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
async function loadInverse(read: RelationRead, parents: readonly object[]): Promise<object[]> {
  const { plan, target, relation } = read
  const owner = relation.inverseRelation!
  const foreignKey = target.joinColumns.find((column) => column.relation === owner)!
  const primary = plan.primary[0]!
  const keys = distinct(
    primary,
    parents.map((parent) => readColumn(parent, primary)),
  )
  const children = new Map<string, object[]>()
  const all: object[] = []
  for (const row of await selectIn(read, foreignKey, keys, true)) {
    const child = read.adopter.adoptRow(target, row)
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
async function loadManyToMany(read: RelationRead, parents: readonly object[]): Promise<object[]> {
  const { plan, target, relation, connection, adopter } = read
  const link = plan.links.find((candidate) => candidate.relation === relation)!
  const primary = plan.primary[0]!
  const keys = distinct(
    primary,
    parents.map((parent) => readColumn(parent, primary)),
  )
  const related = new Map<string, object[]>()
  const all = new Map<object, true>()
  for (const chunk of chunks(keys, plan.dialect.maxParameters)) {
    for (const row of await connection.rows(selectLinkedSql(target, link, chunk.length), chunk)) {
      const entity = adopter.adoptRow(target, row)
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
    adopter.linksLoaded(parent, relation, list)
  }
  return [...all.keys()]
}

async function selectIn(
  read: RelationRead,
  column: ColumnPlan,
  keys: readonly unknown[],
  orderByPrimary: boolean,
): Promise<unknown[][]> {
  const { target, connection } = read
  const rows: unknown[][] = []
  for (const chunk of chunks(keys, target.dialect.maxParameters)) {
    const sql = selectInSql(target, column, chunk.length, orderByPrimary)
    const params = chunk.map((key) => column.toDatabase(key))
    for (const row of await connection.rows(sql, params)) rows.push(row)
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
