import type { ConcreteDbError } from "../errors"
import type { Connection } from "./drivers/connection"
import { StatementFailure } from "./errors/statement-failure"
import type { SessionConnection } from "./session-connection"
import type { SessionStatus } from "./session-status"
import type { FlushControl } from "./unit-of-work/flush-with-events"
import { afterRead } from "./unit-of-work/lifecycle-events"
import type { UnitOfWork } from "./unit-of-work/unit-of-work"

// A session's hold on its connection while it works: taking it (on SQLite, waiting for its
// turn), opening the transaction writes happen in, running reads on it, and failing the
// transaction when a statement fails. One object per session, its methods on the prototype; it
// is also the control a flush with listeners runs under.
export class SessionTransaction implements FlushControl {
  constructor(
    private readonly db: SessionConnection,
    private readonly status: SessionStatus,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  // Takes the connection; reads need nothing more. Without a promise when nothing is waited for
  // (see SessionConnection.take).
  connect(): Connection | Promise<Connection> {
    this.status.assertUsable()
    const held = this.db.current
    if (held) return held
    const taking = this.db.take()
    if (taking instanceof Promise) {
      return taking.then((connection) => {
        this.status.activate()
        return connection
      })
    }
    this.status.activate()
    return taking
  }

  // Takes the connection and opens the transaction writes happen in.
  async begin(): Promise<Connection> {
    const connection = await this.connect()
    if (!connection.inTransaction) {
      try {
        await connection.begin()
      } catch (error) {
        throw await this.fail(error)
      }
    }
    return connection
  }

  // Runs a read (or a manager call) on the connection; a database error fails the session.
  async read<T>(
    table: string | undefined,
    operation: (connection: Connection) => Promise<T>,
  ): Promise<T> {
    const connection = await this.connect()
    try {
      return await operation(connection)
    } catch (error) {
      throw await this.fail(new StatementFailure(table, error))
    }
  }

  // What a read returns, once `afterLoad` listeners ran for the entities it hydrated (if any).
  loaded<T>(value: T): T | Promise<T> {
    return afterRead(this.unitOfWork, this.db.current!, value)
  }

  // The transaction cannot go on: roll it back on the database, undo what it wrote in memory,
  // and refuse further work until rollback() (so the caller notices).
  async fail(error: unknown): Promise<ConcreteDbError> {
    const translated = this.db.translate(error)
    await this.db.giveBack()
    this.unitOfWork.undoTransaction()
    this.status.fail(translated)
    return translated
  }
}
