import type { SessionConnection } from "./session-connection"
import type { SessionStatus } from "./session-status"
import type { UnitOfWork } from "./unit-of-work/unit-of-work"

// What `Session.rollback` and `Session.close` do to the session's parts: give the connection back
// (rolling back what is open), undo the transaction in memory, and leave the session idle or
// closed. Functions rather than methods so that a session per commit closes without allocating.

// Gives the connection back (rolling back what is open) and undoes the transaction in memory;
// a promise only when the session held a connection.
export function rollbackNow(
  db: SessionConnection,
  unitOfWork: UnitOfWork,
  status: SessionStatus,
): Promise<void> | undefined {
  if (!db.current) {
    forgetTransaction(db, unitOfWork, status)
    return undefined
  }
  return db.giveBack().finally(() => forgetTransaction(db, unitOfWork, status))
}

// `close` with a connection held or an operation queued: rolls back, then clears and closes
// even when the rollback fails.
export async function closeNow(
  db: SessionConnection,
  unitOfWork: UnitOfWork,
  status: SessionStatus,
): Promise<void> {
  if (status.isClosed) return
  try {
    // rollbackNow, awaited here: no `finally` callback and promise of its own (a session per
    // read closes holding its connection).
    if (!db.current) forgetTransaction(db, unitOfWork, status)
    else {
      try {
        await db.giveBack()
      } finally {
        forgetTransaction(db, unitOfWork, status)
      }
    }
  } finally {
    unitOfWork.clear()
    status.close()
  }
}

// `close` when no connection is held: there is no statement to wait for.
export function closeIdle(
  db: SessionConnection,
  unitOfWork: UnitOfWork,
  status: SessionStatus,
): void {
  if (status.isClosed) return
  try {
    forgetTransaction(db, unitOfWork, status)
  } finally {
    unitOfWork.clear()
    status.close()
  }
}

function forgetTransaction(
  db: SessionConnection,
  unitOfWork: UnitOfWork,
  status: SessionStatus,
): void {
  if (db.dataSource) unitOfWork.undoTransaction()
  else unitOfWork.clear()
  status.idle()
}
