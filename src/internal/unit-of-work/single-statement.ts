import type { Connection } from "../drivers/connection"
import { keepShapeOf } from "../shape-anchor"
import type { UnitOfWork } from "./unit-of-work"
import type { Work } from "./work"

// A commit whose work is one statement needs no BEGIN and COMMIT around it: the database commits
// a statement run outside a transaction by itself, all or nothing. Sent alone it costs one round
// trip instead of three (PostgreSQL, MariaDB), or two statements fewer (SQLite). Everything else
// about the flush is the same: the persister builds the statement, the session records what it
// wrote (undo log, snapshots) and translates its errors, and a failure fails the session.

/**
 * Whether the persister writes this work as exactly one statement: one INSERT of one row whose
 * ids the application assigns (database-generated ids go through TypeORM), one UPDATE, or one
 * DELETE of one row; no link rows.
 */
export function isSingleStatement(work: Work): boolean {
  const { inserts, updates, links, deletes } = work
  if (links.length > 0 || inserts.length + updates.length + deletes.length !== 1) return false
  const insert = inserts[0]
  if (insert) return insert.entities.length === 1 && !insert.plan.needsDatabaseIds
  const remove = deletes[0]
  if (remove) return remove.entities.length === 1
  return true
}

/**
 * Writes a flush's work on `connection`. When `alone` (the flush of a commit), no transaction is
 * open yet (so nothing was flushed before in this one) and the work is one statement, that
 * statement runs alone in autocommit and the transaction is never opened; otherwise the
 * transaction is begun and the work written inside it.
 */
export function writeWork(
  unitOfWork: UnitOfWork,
  work: Work,
  connection: Connection,
  alone: boolean,
): Promise<void> {
  if (alone && !connection.inTransaction && isSingleStatement(work)) {
    return unitOfWork.execute(work, new Autocommitted(connection))
  }
  return connection.begin().then(() => unitOfWork.execute(work, connection))
}

// The connection as the persister sees it for a single-statement commit: `run` sends the statement
// alone. A second one would mean the work was not one statement after all: it is refused rather
// than committed apart from the first. (A class: one object per commit, no closures.)
class Autocommitted implements Connection {
  readonly inTransaction = false
  private sent = false

  constructor(private readonly connection: Connection) {}

  get dataSource(): Connection["dataSource"] {
    return this.connection.dataSource
  }

  get queryRunner(): Connection["queryRunner"] {
    return this.connection.queryRunner
  }

  begin(): Promise<void> {
    return Promise.reject(new Error("a single-statement commit opens no transaction"))
  }

  run(sql: string, params: readonly unknown[]): Promise<number> {
    if (this.sent) return Promise.reject(new Error("a single-statement commit wrote a second one"))
    this.sent = true
    return this.connection.runAlone(sql, params)
  }

  runAlone(sql: string, params: readonly unknown[]): Promise<number> {
    return this.connection.runAlone(sql, params)
  }

  rows(sql: string, params: readonly unknown[]): Promise<unknown[][]> {
    return this.connection.rows(sql, params)
  }

  commit(): Promise<void> {
    return Promise.resolve()
  }

  rollback(): Promise<void> {
    return Promise.resolve()
  }

  release(broken?: boolean): Promise<void> {
    return this.connection.release(broken)
  }
}

// Keeps the class's map alive across full GCs (see shape-anchor.ts); its connection is never used.
keepShapeOf(new Autocommitted({} as Connection))
