import type { EntityTarget, FindManyOptions } from "typeorm"
import type { Connection } from "../drivers/connection"
import type { EntityPlan } from "../metadata/entity-plan"
import { isUuid } from "../../uuid"
import { selectByIdSql } from "../sql/select-sql"
import { loadRelations } from "./relation-loader"
import type { RowAdopter } from "./row-adopter"
import { compileSimpleFind } from "./simple-find"

/**
 * The entities matching find options, tracked by the adopter. Simple finds run as one cached
 * statement plus one batched query per relation; anything else goes through TypeORM's find.
 */
export async function findEntities(
  connection: Connection,
  adopter: RowAdopter,
  plan: EntityPlan,
  target: EntityTarget<object>,
  options: FindManyOptions | undefined,
): Promise<object[]> {
  const compiled = compileSimpleFind(plan, options)
  if (!compiled) {
    const loaded = (await connection.queryRunner.manager.find(target, options)) as object[]
    return adopter.adoptLoaded(loaded)
  }
  const rows = await connection.rows(compiled.sql, compiled.params)
  const entities = rows.map((row) => adopter.adoptRow(plan, row))
  if (compiled.relations) {
    await loadRelations(connection, adopter, plan, entities, compiled.relations)
  }
  return entities
}

/** The row with these primary-key values (as the database holds them), if there is one. */
export async function findRowById(
  connection: Connection,
  plan: EntityPlan,
  ids: readonly unknown[],
): Promise<unknown[] | undefined> {
  const rows = await connection.rows(selectByIdSql(plan), ids)
  return rows[0]
}

/**
 * Whether a primary-key value can match a row at all: a malformed uuid matches none, and asking
 * PostgreSQL would abort the transaction.
 */
export function canMatch(plan: EntityPlan, id: unknown): boolean {
  return plan.primary[0]!.column.type !== "uuid" || isUuid(id)
}
