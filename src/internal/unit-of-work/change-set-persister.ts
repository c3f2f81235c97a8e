import { QueryError, StaleUpdateError } from "../../errors"
import type { Connection } from "../drivers/connection"
import type { Dialect } from "../drivers/dialect"
import { failedOn } from "../errors/statement-failure"
import { readColumn } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { deleteSql } from "../sql/delete-sql"
import { insertSql } from "../sql/insert-sql"
import { linkSql, unlinkSql } from "../sql/link-sql"
import { updateSql } from "../sql/update-sql"
import { setSnapshot } from "./entity-state"
import { keepEntityShape } from "./entity-shapes"
import { eachSliced, sliceYielder, type Turn } from "./slice-yield"
import type { ChangeSet, EntityBatch, LinkChange, Work } from "./work"

// Rows per INSERT statement at most: large enough to amortise the statement, small enough that
// the prepared statement of a full chunk is reused across flushes.
const MAX_ROWS_PER_INSERT = 500

/**
 * What is told of each statement once it succeeded, so that the session records a flush's rows
 * as they are written (their undo entries, the identity map) rather than all at the end.
 */
export interface WrittenRows {
  /** `entities[start..end)` of an insert batch are in the database (and have their snapshots). */
  inserted(plan: EntityPlan, entities: readonly object[], start: number, end: number): void
  updated(change: ChangeSet): void
  linked(change: LinkChange): void
  /** `entities[start..end)` of a delete batch are gone from the database. */
  deleted(plan: EntityPlan, entities: readonly object[], start: number, end: number): void
}

export interface PersistOptions {
  /** Awaited between statements (default: a fresh `sliceYielder()`). */
  readonly turn?: Turn
  readonly written?: WrittenRows
}

/**
 * Writes a flush's work through the connection, as few statements as it can: multi-row INSERTs
 * chunked below the driver's parameter and size limits, one UPDATE per changed entity, link rows,
 * then DELETEs. A statement's parameters are computed just before it is sent and dropped after
 * it, so a large flush holds one statement's parameters at a time; between statements the event
 * loop may turn. A failing statement is thrown as a `StatementFailure` naming its table.
 */
export async function persistWork(
  work: Work,
  connection: Connection,
  dialect: Dialect,
  { turn = sliceYielder(), written }: PersistOptions = {},
): Promise<void> {
  // Indexed loops: in an async function a for-of's iterator and its results outlive the awaits
  // (about 0.2 KB of a one-row commit).
  const { inserts, updates, links, deletes } = work
  for (let i = 0; i < inserts.length; i += 1) {
    const batch = inserts[i]!
    try {
      await insertBatch(batch, connection, dialect, turn, written)
    } catch (error) {
      throw failedOn(batch.plan.metadata.tableName, error)
    }
  }
  for (let i = 0; i < updates.length; i += 1) {
    const change = updates[i]!
    try {
      await update(change, connection)
    } catch (error) {
      throw failedOn(change.plan.metadata.tableName, error)
    }
    written?.updated(change)
    const waiting = turn()
    if (waiting) await waiting
  }
  for (let i = 0; i < links.length; i += 1) {
    const change = links[i]!
    try {
      await writeLinks(change, connection, dialect)
    } catch (error) {
      throw failedOn(change.link.junction.tableName, error)
    }
    written?.linked(change)
    const waiting = turn()
    if (waiting) await waiting
  }
  for (let i = 0; i < deletes.length; i += 1) {
    const batch = deletes[i]!
    try {
      await deleteBatch(batch, connection, dialect, turn, written)
    } catch (error) {
      throw failedOn(batch.plan.metadata.tableName, error)
    }
  }
}

function insertBatch(
  { plan, entities }: EntityBatch,
  connection: Connection,
  dialect: Dialect,
  turn: Turn,
  written: WrittenRows | undefined,
): Promise<void> {
  if (plan.needsDatabaseIds) return insertThroughTypeorm(plan, entities, connection, written)
  // One group (no defaulted column, or one row, as in a commit of one message): no grouping map.
  if (plan.defaulted.length === 0 || entities.length === 1) {
    const key = entities.length === 1 ? unsetDefaultsKey(plan, entities[0]!) : ""
    return insertGroup(plan, key, entities, connection, dialect, turn, written)
  }
  return insertGroups(plan, entities, connection, dialect, turn, written)
}

async function insertThroughTypeorm(
  plan: EntityPlan,
  entities: object[],
  connection: Connection,
  written: WrittenRows | undefined,
): Promise<void> {
  // Database-generated ids come back through TypeORM's insert; the snapshot follows later.
  // Lifecycle events are the session's (lifecycle-events.ts), sent once for every insert.
  await connection.queryRunner.manager
    .createQueryBuilder()
    .insert()
    .into(plan.metadata.target)
    .values(entities)
    .callListeners(false)
    .execute()
  written?.inserted(plan, entities, 0, entities.length)
}

async function insertGroups(
  plan: EntityPlan,
  entities: readonly object[],
  connection: Connection,
  dialect: Dialect,
  turn: Turn,
  written: WrittenRows | undefined,
): Promise<void> {
  let groups = groupByUnsetDefaults(plan, entities, turn)
  if (groups instanceof Promise) groups = await groups
  for (const [key, group] of groups) {
    await insertGroup(plan, key, group, connection, dialect, turn, written)
  }
}

// The INSERTs of rows that leave the same defaulted columns unset (`key`), in chunks.
async function insertGroup(
  plan: EntityPlan,
  key: string,
  group: readonly object[],
  connection: Connection,
  dialect: Dialect,
  turn: Turn,
  written: WrittenRows | undefined,
): Promise<void> {
  const columns = key === "" ? plan.columns : plan.columnsWithout(key)
  const writeRow = plan.rowWriter(key)
  const width = columns.length
  const maxRows = Math.max(
    1,
    Math.min(MAX_ROWS_PER_INSERT, Math.floor(dialect.maxParameters / width)),
  )
  let start = 0
  while (start < group.length) {
    // Parameters go straight into one flat array per statement; a row's values are read once
    // and also become its snapshot.
    const params = new Array<unknown>(Math.min(maxRows, group.length - start) * width)
    let bytes = 0
    let end = start
    let offset = 0
    while (end < group.length && end - start < maxRows) {
      const entity = group[end]!
      const snapshot = new Array<unknown>(plan.columns.length)
      bytes += writeRow(entity, params, offset, snapshot)
      // A row past the size budget waits for the next statement (its values are overwritten).
      if (end > start && bytes > dialect.maxStatementBytes) break
      offset += width
      setSnapshot(entity, snapshot)
      end += 1
    }
    params.length = offset
    await connection.run(insertSql(plan, columns, end - start, key), params)
    written?.inserted(plan, group, start, end)
    start = end
    const waiting = turn()
    if (waiting) await waiting
  }
  // The first row's shape stays known to V8 across full GCs (entity-shapes.ts).
  if (group.length > 0) keepEntityShape(plan, group[0]!)
}

// Rows that leave a defaulted column unset are inserted without it, so the default applies:
// one group per set of unset defaulted columns, keyed by their indexes ("3,7,").
function groupByUnsetDefaults(
  plan: EntityPlan,
  entities: readonly object[],
  turn: Turn,
): Map<string, readonly object[]> | Promise<Map<string, readonly object[]>> {
  const groups = new Map<string, readonly object[]>()
  if (plan.defaulted.length === 0) {
    groups.set("", entities)
    return groups
  }
  const grouping = eachSliced(entities, turn, (entity) => {
    const key = unsetDefaultsKey(plan, entity)
    const group = groups.get(key) as object[] | undefined
    if (group) group.push(entity)
    else groups.set(key, [entity])
  })
  return grouping ? grouping.then(() => groups) : groups
}

function unsetDefaultsKey(plan: EntityPlan, entity: object): string {
  let key = ""
  for (const column of plan.defaulted) {
    if (readColumn(entity, column) === undefined) key += `${column.index},`
  }
  return key
}

async function update(change: ChangeSet, connection: Connection): Promise<void> {
  const { plan, entity, columns, values } = change
  const key = columns.map((column) => column.index).join(",")
  const params = columns.map((column, i) => column.toDatabase(values[i]))
  for (const column of plan.primary) params.push(column.toDatabase(readColumn(entity, column)))
  if (plan.version) params.push(change.expectedVersion)
  const affected = await connection.run(updateSql(plan, columns, key), params)
  if (affected === 0 && plan.version) {
    throw new StaleUpdateError(plan.metadata.name, plan.identity(entity)!, change.expectedVersion)
  }
  if (affected === 0) {
    throw new QueryError(
      `${plan.metadata.name} ${plan.identity(entity)} was not updated because its row no longer exists (deleted by another session or by a cascade); refresh or re-add it.`,
    )
  }
}

async function writeLinks(
  change: LinkChange,
  connection: Connection,
  dialect: Dialect,
): Promise<void> {
  const { link, ownId } = change
  // A statement takes at most `maxParameters` values (SQLite 32,766): long id lists are split.
  const idsPerStatement = dialect.maxParameters - 1
  if (change.replace) {
    // A NOT IN list cannot be split; past the limit every link goes and the INSERT below puts
    // back the kept ones (it ignores links already there either way).
    const kept = change.add.length <= idsPerStatement ? change.add : []
    await connection.run(unlinkSql(link, dialect, kept.length, true), [ownId, ...kept])
  } else {
    for (let start = 0; start < change.remove.length; start += idsPerStatement) {
      const ids = change.remove.slice(start, start + idsPerStatement)
      await connection.run(unlinkSql(link, dialect, ids.length, false), [ownId, ...ids])
    }
  }
  const linksPerStatement = Math.min(MAX_ROWS_PER_INSERT, Math.floor(dialect.maxParameters / 2))
  for (let start = 0; start < change.add.length; start += linksPerStatement) {
    const end = Math.min(change.add.length, start + linksPerStatement)
    const params: unknown[] = []
    for (let i = start; i < end; i += 1) {
      const id = change.add[i]
      if (link.ownFirst) params.push(ownId, id)
      else params.push(id, ownId)
    }
    await connection.run(linkSql(link, dialect, end - start), params)
  }
}

async function deleteBatch(
  { plan, entities }: EntityBatch,
  connection: Connection,
  dialect: Dialect,
  turn: Turn,
  written: WrittenRows | undefined,
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(dialect.maxParameters / plan.primary.length))
  for (let start = 0; start < entities.length; start += perStatement) {
    const end = Math.min(entities.length, start + perStatement)
    const params: unknown[] = []
    for (let i = start; i < end; i += 1) {
      for (const column of plan.primary)
        params.push(column.toDatabase(readColumn(entities[i]!, column)))
    }
    await connection.run(deleteSql(plan, end - start), params)
    written?.deleted(plan, entities, start, end)
    const waiting = turn()
    if (waiting) await waiting
  }
}
