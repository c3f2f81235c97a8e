import type { DataSource } from "typeorm"
import type { Connection } from "../connection"
import { resilienceOf } from "../../resilience-settings"
import {
  openPooledConnection,
  type Checkout,
  type Executor,
  type PooledDriver,
} from "../pooled-connection"
import { postgresErrorClassifier } from "./postgres-error-classifier"

/** The part of node-postgres' client that sessions use. */
interface PgClient {
  on(event: "error", listener: (error: Error) => void): void
  /** pg-pool's: gives the client back; with an error, the pool destroys it instead. */
  release(error?: Error): void
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

// pg-pool listens for a client's 'error' events only while it sits idle, and a server's FATAL
// message can still be read after the client failed on a reset socket and was discarded: an
// unheard 'error' event would end the process.
function guard(client: unknown): void {
  const pg = client as PgClient
  if (guarded.has(pg)) return
  guarded.add(pg)
  pg.on("error", () => undefined)
}

/** What a checkout needs of TypeORM's PostgresDriver. */
interface PgDriver {
  obtainMasterConnection(): Promise<[unknown, unknown]>
  /** What `destroy()` releases before it ends the pool, which waits for every client. */
  connectedQueryRunners: Array<{ release(): unknown }>
}

// A client of the data source's pool, in TypeORM's list of connected query runners while it is
// out: `destroy()` releases them (TypeORM's query runners put themselves there when they connect).
class PgCheckout implements Checkout {
  private released = false

  constructor(
    private readonly driver: PgDriver,
    readonly client: PgClient,
  ) {
    driver.connectedQueryRunners.push(this)
  }

  release(broken = false): void {
    if (this.released) return
    this.released = true
    const connected = this.driver.connectedQueryRunners
    const index = connected.indexOf(this)
    if (index !== -1) connected.splice(index, 1)
    // Releasing with an error makes pg-pool destroy the client instead of reusing it.
    this.client.release(broken ? new Error("connection discarded after a failure") : undefined)
  }
}

async function checkoutPostgres(dataSource: DataSource): Promise<Checkout> {
  const driver = dataSource.driver as unknown as PgDriver
  const [client] = await driver.obtainMasterConnection()
  guard(client)
  return new PgCheckout(driver, client as PgClient)
}

const postgresDriver: PooledDriver = {
  checkout: checkoutPostgres,
  execute: executePostgres,
  classifier: postgresErrorClassifier,
  neverSent: (error) => /is not queryable/.test((error as Error | null)?.message ?? ""),
  // SET LOCAL lasts as long as the transaction, so it works behind a transaction pooler
  // (PgBouncer), which refuses a statement_timeout startup parameter and hands each transaction
  // whichever server connection is free. One simple-protocol message: no extra round trip.
  beginSql: ({ statementTimeoutMs }, readOnly) => {
    const begin = readOnly ? "START TRANSACTION READ ONLY" : "START TRANSACTION"
    return statementTimeoutMs > 0
      ? `${begin}; SET LOCAL statement_timeout = ${statementTimeoutMs}`
      : begin
  },
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
