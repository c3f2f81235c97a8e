import type { DataSource, QueryRunner } from "typeorm"
import type { Connection } from "../connection"
import { resilienceOf } from "../../resilience-settings"
import { openPooledConnection, type Executor, type PooledDriver } from "../pooled-connection"
import { postgresErrorClassifier } from "./postgres-error-classifier"

/** The part of node-postgres' client that sessions use. */
interface PgClient {
  on(event: "error", listener: (error: Error) => void): void
  query(
    config: { text: string; values: readonly unknown[]; rowMode: "array" },
    callback: PgCallback,
  ): void
  query(text: string, values: readonly unknown[], callback: PgCallback): void
}

type PgCallback = (error: Error | null, result: PgResult) => void

interface PgResult {
  rowCount: number | null
  rows: unknown[][]
}

// Clients that ignore errors arriving after they were given up (see guard).
const guarded = new WeakSet<object>()

const executePostgres: Executor = (client, sql, params, wantRows) => {
  const pg = client as PgClient
  // With a callback, not the promise node-postgres returns without one: through that promise,
  // every statement's rows and the session around them survived the young generation's
  // collections until a full one (a W3 page read: a third of what it allocated was promoted to
  // the old generation, and scavenges took 6x as long); through a callback, next to nothing.
  return new Promise((resolve, reject) => {
    const done: PgCallback = (error, result) => {
      if (error) reject(error)
      else resolve({ affected: result.rowCount ?? 0, rows: result.rows })
    }
    // A write goes as text and values: node-postgres copies a config object property by
    // property (descriptors) before every statement: about 5 µs of a one-row commit.
    if (wantRows) pg.query({ text: sql, values: params, rowMode: "array" }, done)
    else pg.query(sql, params, done)
  })
}

// A server's FATAL message can still be read after the client failed on a reset socket and was
// discarded; by then neither pg-pool nor TypeORM listens, and an unheard 'error' event would end
// the process.
function guard(client: unknown): void {
  const pg = client as PgClient
  if (guarded.has(pg)) return
  guarded.add(pg)
  pg.on("error", () => undefined)
}

// Releasing with an error makes pg-pool destroy the client instead of reusing it.
async function discardPostgres(queryRunner: QueryRunner): Promise<void> {
  const pg = queryRunner as unknown as { releasePostgresConnection(error?: Error): Promise<void> }
  await pg.releasePostgresConnection(new Error("connection discarded after a failure"))
}

const postgresDriver: PooledDriver = {
  execute: executePostgres,
  checkedOut: guard,
  discard: discardPostgres,
  classifier: postgresErrorClassifier,
  neverSent: (error) => /is not queryable/.test((error as Error | null)?.message ?? ""),
  // SET LOCAL lasts as long as the transaction, so it works behind a transaction pooler
  // (PgBouncer), which refuses a statement_timeout startup parameter and hands each transaction
  // whichever server connection is free. One simple-protocol message: no extra round trip.
  beginSql: ({ statementTimeoutMs }) =>
    statementTimeoutMs > 0
      ? `START TRANSACTION; SET LOCAL statement_timeout = ${statementTimeoutMs}`
      : "START TRANSACTION",
}

export function openPostgresConnection(dataSource: DataSource): Promise<Connection> {
  const opening = openPooledConnection(dataSource, postgresDriver)
  // With a statement timeout every statement of the session, reads included, runs in a
  // transaction that sets it (see beginSql); under READ COMMITTED each still sees the latest data.
  return resilienceOf(dataSource).statementTimeoutMs > 0 ? beginAtOnce(opening) : opening
}

async function beginAtOnce(opening: Promise<Connection>): Promise<Connection> {
  const connection = await opening
  try {
    await connection.begin()
  } catch (error) {
    await connection.release(true)
    throw error
  }
  return connection
}
