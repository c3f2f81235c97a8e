import "reflect-metadata"
import type { DataSource, EntityMetadata } from "typeorm"
import { createDataSource } from "../../../src/create-data-source"
import type { Env } from "../../../src/data-source-options"
import { dialectOf, type Dialect, type DialectKind } from "../../../src/internal/drivers/dialect"
import {
  planOf,
  type Constructor,
  type EntityPlan,
} from "../../../src/internal/metadata/entity-plan"
import { TEST_ENTITIES } from "./test-entities"

/**
 * Real entity plans without a database: a data source for each dialect is built (which connects
 * to nothing) and its metadata is built as `initialize()` would, through TypeORM's protected
 * `buildMetadatas()`, which only reads decorators and validates them; no driver connection is
 * opened (`initialize()` is never called).
 */

/** The environment of each dialect; the servers named are never contacted. */
const ENVIRONMENTS: Record<DialectKind, Env> = {
  sqlite: { DB_DRIVER: "sqlite", DB_DATABASE: ":memory:" },
  postgres: {
    DB_DRIVER: "postgresql",
    DB_USERNAME: "u",
    DB_PASSWORD: "p",
    DB_HOST: "127.0.0.1",
    DB_PORT: "1",
    DB_DATABASE: "d",
  },
  mysql: {
    DB_DRIVER: "mariadb",
    DB_USERNAME: "u",
    DB_PASSWORD: "p",
    DB_HOST: "127.0.0.1",
    DB_PORT: "1",
    DB_DATABASE: "d",
  },
}

/** Every dialect, for `describe.each(DIALECTS)`. */
export const DIALECTS: readonly DialectKind[] = ["sqlite", "postgres", "mysql"]

export interface OfflinePlans {
  readonly dataSource: DataSource
  readonly dialect: Dialect
  /** The entity metadatas in the data source's order (what the session hands to `typeOrder`). */
  readonly metadatas: readonly EntityMetadata[]
  /** The plan of an entity class. */
  readonly plan: (target: Constructor) => EntityPlan
  /** The plan of an entity instance (as the session's `planFor`). */
  readonly planFor: (entity: object) => EntityPlan
}

const built = new Map<DialectKind, Promise<OfflinePlans>>()

/** The offline data source and plans of a dialect, built once per test file. */
export function offlinePlans(kind: DialectKind = "sqlite"): Promise<OfflinePlans> {
  let plans = built.get(kind)
  if (!plans) {
    plans = build(kind)
    built.set(kind, plans)
  }
  return plans
}

async function build(kind: DialectKind): Promise<OfflinePlans> {
  const dataSource = createDataSource({ env: ENVIRONMENTS[kind], entities: [...TEST_ENTITIES] })
  await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas()
  if (dataSource.isInitialized) throw new Error("an offline data source must not be initialized")
  const dialect = dialectOf(dataSource)
  if (dialect.kind !== kind) throw new Error(`expected the ${kind} dialect, got ${dialect.kind}`)
  const plan = (target: Constructor): EntityPlan =>
    planOf(dataSource.getMetadata(target), dialect, dataSource)
  return {
    dataSource,
    dialect,
    metadatas: dataSource.entityMetadatas,
    plan,
    planFor: (entity) => plan(entity.constructor as Constructor),
  }
}

/** A copy of a dialect with other limits, to exercise chunking with a few rows. */
export function withLimits(
  dialect: Dialect,
  limits: Partial<Pick<Dialect, "maxParameters" | "maxStatementBytes">>,
): Dialect {
  return { ...dialect, ...limits }
}
