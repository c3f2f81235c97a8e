import type { DataSource } from "typeorm"
import type { ConcreteDbError } from "../errors"
import { openConnection, type Connection } from "./drivers/connection"
import { dialectOf, type Dialect } from "./drivers/dialect"
import { StatementFailure } from "./errors/statement-failure"
import { openReadOnlyConnection } from "./read-only-connection"
import { readyDataSource, readyNow } from "./ready-data-source"
import { translateError } from "./errors/translate-error"
import { joinChain, refuseNested, type Holding } from "./session-chain"

interface Resolved {
  readonly dataSource: DataSource
  readonly dialect: Dialect
}

/**
 * The database side of one session: the data source it resolves on first use and the connection
 * it holds from its first statement until commit, rollback or close. Failures to open either
 * come out translated, naming the database (host and port, the password masked).
 */
export class SessionConnection {
  private resolved: Resolved | undefined = undefined
  private held: Connection | undefined = undefined
  /** What the sessions of the creating call chain held then (see session-chain.ts). */
  private readonly outer: readonly Holding[]

  constructor(
    private readonly source: () => DataSource | Promise<DataSource>,
    private readonly lockTimeoutMs: number,
    /** Called once, when the data source is first resolved. */
    private readonly onResolved: (dataSource: DataSource, dialect: Dialect) => void,
    /** A readOnly session: a replica when there is one, in a READ ONLY transaction. */
    private readonly readOnly = false,
  ) {
    this.outer = joinChain(this)
  }

  /** The data source, once resolved. */
  get dataSource(): DataSource | undefined {
    return this.resolved?.dataSource
  }

  /** Whether the connection, once held, is the data source's only one (SQLite). */
  get exclusive(): boolean {
    return this.resolved?.dialect.kind === "sqlite"
  }

  /** The connection the session holds, if it holds one. */
  get current(): Connection | undefined {
    return this.held
  }

  /**
   * The initialized data source and its dialect (initializing it on first use). Without a
   * promise when the data source was given (not a promise) and is ready already, as it is for
   * every session after the first: a session per commit pays no await for it.
   */
  resolve(): Resolved | Promise<Resolved> {
    if (this.resolved) return this.resolved
    let source: DataSource | Promise<DataSource>
    try {
      source = this.source()
    } catch (error) {
      throw translateError(error, undefined, { opening: true })
    }
    const ready = source instanceof Promise ? undefined : readyNow(source)
    return ready ? this.settle(ready) : this.resolveSlowly(source)
  }

  private async resolveSlowly(pending: DataSource | Promise<DataSource>): Promise<Resolved> {
    let source: DataSource | undefined
    let dataSource: DataSource
    try {
      source = await pending
      dataSource = await readyDataSource(source)
    } catch (error) {
      // A driver's own message often names neither host nor port ("connect ETIMEDOUT").
      throw translateError(error, source, { opening: true })
    }
    return this.settle(dataSource)
  }

  private settle(dataSource: DataSource): Resolved {
    if (this.resolved) return this.resolved
    const dialect = dialectOf(dataSource)
    this.onResolved(dataSource, dialect)
    this.resolved = { dataSource, dialect }
    return this.resolved
  }

  /**
   * Takes a connection (on SQLite: waits for this data source's earlier sessions). Without a
   * promise when nothing needs waiting for (see `resolve`; on SQLite, the lock is free).
   *
   * @throws SessionStateError on SQLite when a session of the call chain that created this one
   * holds the connection (it would wait for itself).
   */
  take(): Connection | Promise<Connection> {
    if (this.held) return this.held
    const resolved = this.resolve()
    return resolved instanceof Promise
      ? resolved.then((ready) => this.open(ready))
      : this.open(resolved)
  }

  private open({ dataSource, dialect }: Resolved): Connection | Promise<Connection> {
    if (dialect.kind === "sqlite") refuseNested(this.outer, dataSource)
    const options = { lockTimeoutMs: this.lockTimeoutMs }
    let opening: Connection | Promise<Connection>
    try {
      opening = this.readOnly
        ? openReadOnlyConnection(dataSource, dialect, options)
        : openConnection(dataSource, dialect, options)
    } catch (error) {
      throw translateError(error, dataSource)
    }
    if (!(opening instanceof Promise)) return (this.held = opening)
    return opening.then(
      (connection) => (this.held = connection),
      (error: unknown) => {
        throw translateError(error, dataSource)
      },
    )
  }

  /** Rolls back what is open and gives the connection back; a broken one is discarded. */
  giveBack(): Promise<void> {
    const connection = this.held
    this.held = undefined
    if (!connection) return Promise.resolve()
    // A commit or a read leaves nothing open: no rollback to wait for (and no promise for it).
    if (!connection.inTransaction) return releasing(connection, false)
    return rollingBack(connection)
  }

  /**
   * A driver error as the typed error the session throws. A failed statement names the table it
   * touched, which the driver's error often does not.
   */
  translate(error: unknown): ConcreteDbError {
    // The data source of the held connection: a readOnly session's may be a read replica's,
    // and the message names the server that failed.
    const dataSource = this.held?.dataSource ?? this.dataSource
    if (error instanceof StatementFailure) {
      return translateError(error.cause, dataSource, { table: error.table })
    }
    return translateError(error, dataSource)
  }
}

async function rollingBack(connection: Connection): Promise<void> {
  let broken = false
  try {
    await connection.rollback()
  } catch {
    broken = true
  }
  await connection.release(broken)
}

// `connection.release`, with what it throws as a rejection (as from an async function).
function releasing(connection: Connection, broken: boolean): Promise<void> {
  try {
    return connection.release(broken)
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}
