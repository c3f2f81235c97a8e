import { QueryError, StaleUpdateError } from "../../errors"
import type { Connection } from "../drivers/connection"
import type { Dialect } from "../drivers/dialect"
import { onTable } from "../errors/statement-failure"
import { readColumn } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { deleteSql } from "../sql/delete-sql"
import { insertSql } from "../sql/insert-sql"
import { linkSql, unlinkSql } from "../sql/link-sql"
import { updateSql } from "../sql/update-sql"
import { setSnapshot } from "./entity-state"
import { sliceYielder } from "./slice-yield"
import type { ChangeSet, EntityBatch, LinkChange, Work } from "./work"

// Rows per INSERT statement at most: large enough to amortise the statement, small enough that
// the prepared statement of a full chunk is reused across flushes.
const MAX_ROWS_PER_INSERT = 500

/**
 * Writes a flush's work through the connection, as few statements as it can: multi-row INSERTs
 * chunked below the driver's parameter and size limits, one UPDATE per changed entity, link rows,
 * then DELETEs. A failing statement is thrown as a `StatementFailure` naming its table.
 */
export async function persistWork(
  work: Work,
  connection: Connection,
  dialect: Dialect,
): Promise<void> {
  const turn = sliceYielder()
  for (const batch of work.inserts) {
    await onTable(batch.plan.metadata.tableName, () =>
      insertBatch(batch, connection, dialect, turn),
    )
  }
  for (const change of work.updates) {
    await onTable(change.plan.metadata.tableName, () => update(change, connection))
    await turn()
  }
  for (const change of work.links) {
    await onTable(change.link.junction.tableName, () => writeLinks(change, connection, dialect))
  }
  for (const batch of work.deletes) {
    await onTable(batch.plan.metadata.tableName, () => deleteBatch(batch, connection, dialect))
  }
}

async function insertBatch(
  { plan, entities }: EntityBatch,
  connection: Connection,
  dialect: Dialect,
  turn: () => Promise<void> | undefined,
): Promise<void> {
  if (plan.needsDatabaseIds) {
    // Database-generated ids come back through TypeORM's insert; the snapshot follows later.
    // Lifecycle events are the session's (lifecycle-events.ts), sent once for every insert.
    await connection.queryRunner.manager
      .createQueryBuilder()
      .insert()
      .into(plan.metadata.target)
      .values(entities)
      .callListeners(false)
      .execute()
    return
  }
  for (const [key, group] of groupByUnsetDefaults(plan, entities)) {
    const columns = key === "" ? plan.columns : plan.columnsWithout(key)
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
        const rowStart = offset
        for (const column of columns) {
          const converted = column.toDatabase(readColumn(entity, column))
          snapshot[column.index] = column.keep(converted)
          if (typeof converted === "string") bytes += converted.length
          params[offset++] = converted
        }
        if (end > start && bytes > dialect.maxStatementBytes) {
          offset = rowStart
          break
        }
        setSnapshot(entity, snapshot)
        end += 1
      }
      params.length = offset
      await connection.run(insertSql(plan, columns, end - start, key), params)
      start = end
      await turn()
    }
  }
}

// Rows that leave a defaulted column unset are inserted without it, so the default applies:
// one group per set of unset defaulted columns, keyed by their indexes ("3,7,").
function groupByUnsetDefaults(
  plan: EntityPlan,
  entities: readonly object[],
): Map<string, readonly object[]> {
  const groups = new Map<string, readonly object[]>()
  if (plan.defaulted.length === 0) {
    groups.set("", entities)
    return groups
  }
  for (const entity of entities) {
    let key = ""
    for (const column of plan.defaulted) {
      if (readColumn(entity, column) === undefined) key += `${column.index},`
    }
    const group = groups.get(key) as object[] | undefined
    if (group) group.push(entity)
    else groups.set(key, [entity])
  }
  return groups
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
  if (change.replace || change.remove.length > 0) {
    const ids = change.replace ? change.add : change.remove
    await connection.run(unlinkSql(link, dialect, ids.length, change.replace), [ownId, ...ids])
  }
  if (change.add.length > 0) {
    const params = change.add.flatMap((id) => (link.ownFirst ? [ownId, id] : [id, ownId]))
    await connection.run(linkSql(link, dialect, change.add.length), params)
  }
}

async function deleteBatch(
  { plan, entities }: EntityBatch,
  connection: Connection,
  dialect: Dialect,
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(dialect.maxParameters / plan.primary.length))
  for (let start = 0; start < entities.length; start += perStatement) {
    const chunk = entities.slice(start, start + perStatement)
    const params = chunk.flatMap((entity) =>
      plan.primary.map((column) => column.toDatabase(readColumn(entity, column))),
    )
    await connection.run(deleteSql(plan, chunk.length), params)
  }
}
