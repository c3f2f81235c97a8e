import type { DataSource } from "typeorm"
import type { ConcreteDbError } from "../errors"
import { openConnection, type Connection } from "./drivers/connection"
import { dialectOf, type Dialect } from "./drivers/dialect"
import { StatementFailure } from "./errors/statement-failure"
import { openReadOnlyConnection } from "./read-only-connection"
import { readyDataSource } from "./ready-data-source"
import { translateError } from "./errors/translate-error"
import { joinChain, refuseNested, type Holding } from "./session-chain"

/**
 * The database side of one session: the data source it resolves on first use and the connection
 * it holds from its first statement until commit, rollback or close. Failures to open either
 * come out translated, naming the database (host and port, the password masked).
 */
export class SessionConnection {
  private resolved: { readonly dataSource: DataSource; readonly dialect: Dialect } | undefined
  private held: Connection | undefined
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

  /** The initialized data source and its dialect (initializing it on first use). */
  async resolve(): Promise<{ readonly dataSource: DataSource; readonly dialect: Dialect }> {
    if (this.resolved) return this.resolved
    let source: DataSource | undefined
    let dataSource: DataSource
    try {
      source = await this.source()
      dataSource = await readyDataSource(source)
    } catch (error) {
      // A driver's own message often names neither host nor port ("connect ETIMEDOUT").
      throw translateError(error, source, { opening: true })
    }
    if (this.resolved) return this.resolved
    const dialect = dialectOf(dataSource)
    this.onResolved(dataSource, dialect)
    this.resolved = { dataSource, dialect }
    return this.resolved
  }

  /**
   * Takes a connection (on SQLite: waits for this data source's earlier sessions).
   *
   * @throws SessionStateError on SQLite when a session of the call chain that created this one
   * holds the connection (it would wait for itself).
   */
  async take(): Promise<Connection> {
    if (this.held) return this.held
    const { dataSource, dialect } = await this.resolve()
    if (dialect.kind === "sqlite") refuseNested(this.outer, dataSource)
    try {
      const open = this.readOnly ? openReadOnlyConnection : openConnection
      this.held = await open(dataSource, dialect, { lockTimeoutMs: this.lockTimeoutMs })
    } catch (error) {
      throw translateError(error, dataSource)
    }
    return this.held
  }

  /** Rolls back what is open and gives the connection back; a broken one is discarded. */
  async giveBack(): Promise<void> {
    const connection = this.held
    this.held = undefined
    if (!connection) return
    let broken = false
    try {
      await connection.rollback()
    } catch {
      broken = true
    }
    await connection.release(broken)
  }

  /**
   * A driver error as the typed error the session throws. A failed statement names the table it
   * touched, which the driver's error often does not.
   */
  translate(error: unknown): ConcreteDbError {
    // The data source of the held connection: a readOnly session's may be a read replica's,
    // and the message names the server that failed.
    const dataSource = this.held?.queryRunner.connection ?? this.dataSource
    if (error instanceof StatementFailure) {
      return translateError(error.cause, dataSource, { table: error.table })
    }
    return translateError(error, dataSource)
  }
}
