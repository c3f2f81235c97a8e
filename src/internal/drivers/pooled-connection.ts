import type { DataSource, QueryRunner } from "typeorm"
import { CommitOutcomeUnknownError } from "../../errors"
import { describeTarget } from "../describe-target"
import type { DriverError, ErrorClassifier } from "../errors/error-classifier"
import { resilienceOf, type ResilienceSettings } from "../resilience-settings"
import { shapeAnchor } from "../shape-anchor"
import type { Connection } from "./connection"
import { logQuery } from "./log-query"
import { markTransaction } from "./query-runner-flags"

/** What running one statement on a pooled client answers. */
export interface Outcome {
  readonly affected: number
  readonly rows: unknown[][]
  /** Whether the server says a transaction is open after it (MySQL reports it). */
  readonly inTransaction?: boolean
}

/**
 * Runs one statement on a pooled client: the affected row count, or the rows as arrays, and
 * whether the server says a transaction is open after it (MySQL reports it; PostgreSQL never
 * opens one by itself).
 */
export type Executor = (
  client: unknown,
  sql: string,
  params: readonly unknown[],
  wantRows: boolean,
) => Promise<Outcome>

/** A client checked out of the data source's pool, until it is given back. */
export interface Checkout {
  readonly client: unknown
  /**
   * Gives the client back to the pool, or closes a `broken` one so that it never goes back;
   * nothing after the first call (the data source's `destroy()` may have given it back already).
   */
  release(broken: boolean): void
}

/** What differs per server database behind a pooled connection. */
export interface PooledDriver {
  /** Checks a client out of the data source's (primary's) pool. */
  checkout(dataSource: DataSource): Promise<Checkout>
  /** Runs statements on the client `checkout` returned. */
  readonly execute: Executor
  /** Tells a lost connection from other errors. */
  readonly classifier: ErrorClassifier
  /** The driver refused to send a statement on a connection it knows is closed. */
  neverSent(error: unknown): boolean
  /** The statement(s) that open a transaction (simple protocol: no parameters). */
  beginSql(settings: ResilienceSettings, readOnly: boolean): string
  /**
   * Runs before the first statement of a checkout (once per physical connection, say); no
   * promise when there is nothing to do.
   */
  prepare?(client: unknown, settings: ResilienceSettings): Promise<void> | undefined
  /** The server may open a transaction by itself (MySQL with autocommit off). */
  readonly opensTransactions?: boolean
}

// How many fresh connections the first statement of a checkout tries after a lost one: every
// idle connection of the pool may have been closed at once (a pooler or server restart).
const MAX_RECONNECTS = 20

/**
 * PostgreSQL and MySQL/MariaDB: a client of the data source's pool per session, statements and
 * BEGIN/COMMIT straight on it. TypeORM's query runner (a Broadcaster, an EntityManager and more
 * per call) is built only when something asks for it (`session.manager`, entity listeners,
 * finds TypeORM runs), bound to the client already checked out and kept in step with the
 * transaction, so it works inside the same one.
 *
 * A connection that the server or a pooler closed while it sat in the pool fails the first
 * statement sent on it: that statement (BEGIN or a read, nothing written yet) goes again on a
 * fresh connection, so the session never sees it. A COMMIT whose answer the connection lost is
 * a `CommitOutcomeUnknownError`: the server may have committed.
 */
export async function openPooledConnection(
  dataSource: DataSource,
  driver: PooledDriver,
): Promise<Connection> {
  return new PooledConnection(dataSource, driver, await driver.checkout(dataSource))
}

// One object per session with its methods on the prototype: a session per commit builds no
// closures for them.
const anchor = shapeAnchor()

class PooledConnection implements Connection {
  private readonly settings: ResilienceSettings
  // Whether a statement went out on this checkout (or failed for good): nothing is resent after.
  private sent = false
  // Whether a transaction is open, while no query runner was built (then the runner's flags say).
  private active = false
  private runner: QueryRunner | undefined = undefined
  private released = false
  // Whether a statement saw this client's connection lost: it never goes back to the pool.
  private lost = false

  constructor(
    readonly dataSource: DataSource,
    private readonly driver: PooledDriver,
    private checkout: Checkout,
  ) {
    this.settings = resilienceOf(dataSource)
    anchor(dataSource, this)
  }

  get queryRunner(): QueryRunner {
    return (this.runner ??= this.bindRunner())
  }

  // The runner's flags once it exists: code given the runner (a listener, say) may end the
  // transaction through it.
  get inTransaction(): boolean {
    return this.runner ? this.runner.isTransactionActive : this.active
  }

  async begin(readOnly = false): Promise<void> {
    if (!this.inTransaction) await this.control(this.driver.beginSql(this.settings, readOnly), true)
    // Opened before the session said what it is for (PostgreSQL opens one at once to set a
    // statement timeout): a second START TRANSACTION would only draw a warning.
    else if (readOnly) await this.control("SET TRANSACTION READ ONLY", true)
  }

  async run(sql: string, params: readonly unknown[]): Promise<number> {
    logQuery(this.dataSource, sql, params)
    return (await this.send(sql, params, false)).affected
  }

  async runAlone(sql: string, params: readonly unknown[]): Promise<number> {
    if (this.inTransaction) throw new Error("runAlone inside a transaction")
    logQuery(this.dataSource, sql, params)
    // The server commits a statement run outside a transaction by itself, unless a MySQL
    // server has autocommit off: then the statement opened one, which is committed here.
    let result: Outcome
    try {
      result = await this.sendAlone(sql, params)
    } catch (error) {
      if (this.driver.opensTransactions && !isConnectionLost(this.driver, error)) {
        await this.rollBackAlone()
      }
      throw error
    }
    if (result.inTransaction) await this.control("COMMIT", false)
    return result.affected
  }

  async rows(sql: string, params: readonly unknown[]): Promise<unknown[][]> {
    logQuery(this.dataSource, sql, params)
    return (await this.send(sql, params, true)).rows
  }

  async commit(): Promise<void> {
    if (!this.inTransaction) return
    try {
      await this.control("COMMIT", false)
    } catch (error) {
      // Refused before it was written (a connection known closed): the server rolled back.
      if (this.driver.neverSent(error) || !isConnectionLost(this.driver, error)) throw error
      this.mark(false)
      throw outcomeUnknown(this.dataSource, "COMMIT", error)
    }
  }

  async rollback(): Promise<void> {
    if (this.inTransaction) await this.control("ROLLBACK", false)
  }

  async release(broken = false): Promise<void> {
    if (this.lost) broken = true
    if (!broken && this.inTransaction && !this.released) {
      try {
        await this.control("ROLLBACK", false)
      } catch {
        broken = true
      }
    }
    this.mark(false)
    this.giveBack(broken)
  }

  // The runner works on the client checked out (TypeORM's runners connect only when they hold
  // none), inside the transaction open now; it is not in TypeORM's list of connected runners,
  // which the checkout's bookkeeping replaces (see postgres-connection.ts).
  private bindRunner(): QueryRunner {
    const runner = this.dataSource.createQueryRunner("master")
    ;(runner as unknown as { databaseConnection: unknown }).databaseConnection =
      this.checkout.client
    runner.release = releaseRunnerOnly
    markTransaction(runner, this.active)
    if (this.released) (runner as { isReleased: boolean }).isReleased = true
    return runner
  }

  private mark(active: boolean): void {
    this.active = active
    if (this.runner) markTransaction(this.runner, active)
  }

  // Also marks the runner released: TypeORM then refuses to run anything more on it.
  private giveBack(broken: boolean): void {
    if (this.released) return
    this.released = true
    if (this.runner) (this.runner as { isReleased: boolean }).isReleased = true
    this.checkout.release(broken)
  }

  private async send(sql: string, params: readonly unknown[], wantRows: boolean): Promise<Outcome> {
    if (this.sent) {
      try {
        return await this.driver.execute(this.checkout.client, sql, params, wantRows)
      } catch (error) {
        // Not resent (something went out already), and the client never goes back to the pool:
        // its driver may not have noticed the closed socket yet when the session lets go of it.
        if (isConnectionLost(this.driver, error)) this.lost = true
        throw error
      }
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const { client } = this.checkout
        const preparing = this.driver.prepare?.(client, this.settings)
        if (preparing) await preparing
        const result = await this.driver.execute(client, sql, params, wantRows)
        this.sent = true
        return result
      } catch (error) {
        const lost = isConnectionLost(this.driver, error)
        if (attempt >= MAX_RECONNECTS || !lost) {
          this.sent = true
          this.lost = lost
          throw error
        }
        await this.reconnect()
      }
    }
  }

  // A statement sent alone is its own commit: resent on a fresh connection only when the driver
  // refused to send it at all; a connection lost under it leaves its outcome unknown, as a COMMIT's.
  private async sendAlone(sql: string, params: readonly unknown[]): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        const { client } = this.checkout
        const preparing = this.sent ? undefined : this.driver.prepare?.(client, this.settings)
        if (preparing) await preparing
        const result = await this.driver.execute(client, sql, params, false)
        this.sent = true
        return result
      } catch (error) {
        if (!isConnectionLost(this.driver, error)) {
          this.sent = true
          throw error
        }
        if (attempt >= MAX_RECONNECTS || !this.driver.neverSent(error)) {
          this.sent = true
          this.lost = true
          throw outcomeUnknown(this.dataSource, "the statement it committed by itself", error)
        }
        await this.reconnect()
        this.sent = false
      }
    }
  }

  // The lost connection is discarded (with the runner bound to it) and a fresh one checked out;
  // if that fails, the connection stays released (release() then gives nothing back).
  private async reconnect(): Promise<void> {
    this.giveBack(true)
    this.checkout = await this.driver.checkout(this.dataSource)
    this.runner = undefined
    this.released = false
  }

  // BEGIN/COMMIT/ROLLBACK go straight to the client (TypeORM's transaction methods add event
  // broadcasts and result objects to each); the query runner's flags, if there is one, follow.
  private async control(sql: string, active: boolean): Promise<void> {
    logQuery(this.dataSource, sql, [])
    await this.send(sql, [], false)
    this.mark(active)
  }

  // With autocommit off, a statement that failed opened a transaction all the same (the error
  // does not say so), keeping its locks (a duplicate key's shared lock, say) while the connection
  // sits in the pool. Marked open first, so a ROLLBACK that fails here fails again on release,
  // which then discards the connection.
  private async rollBackAlone(): Promise<void> {
    this.mark(true)
    await this.control("ROLLBACK", false).catch(() => undefined)
  }
}

// The client is the session's, given back when the session lets go of it: releasing its runner
// (user code may, through `session.manager.queryRunner`) only ends the runner's use.
function releaseRunnerOnly(this: QueryRunner): Promise<void> {
  ;(this as { isReleased: boolean }).isReleased = true
  return Promise.resolve()
}

function isConnectionLost(driver: PooledDriver, error: unknown): boolean {
  const driverError = (typeof error === "object" && error !== null ? error : {}) as DriverError
  const message = driverError.sqlMessage ?? driverError.message ?? String(error)
  return driver.classifier.isConnectionProblem(driverError, message)
}

function outcomeUnknown(
  dataSource: DataSource,
  what: string,
  error: unknown,
): CommitOutcomeUnknownError {
  return new CommitOutcomeUnknownError(
    `The connection to ${describeTarget(dataSource.options)} was lost after ${what} was sent, so whether the transaction was committed is unknown (${firstLine(error)}); it was not retried: check whether its writes are there before running it again.`,
    { cause: error },
  )
}

function firstLine(error: unknown): string {
  const message = (error as { message?: string } | null)?.message ?? String(error)
  return (message.split("\n")[0] ?? message).replace(/\.$/, "")
}
