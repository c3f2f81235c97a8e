import type { DataSource } from "typeorm"
import { DEFAULT_TRANSACTION_RETRIES, resilienceOf } from "./internal/resilience-settings"
import { ownChain } from "./internal/session-chain"
import { retryTransaction } from "./internal/transaction-retry"
import { Session, type SessionOptions } from "./session"

/**
 * Runs `fn` with a new session and always closes it afterwards, without committing: like the
 * original's `with Session() as session:`. Commit inside `fn` what should stay. `options` are
 * the session's (`{ readOnly: true }`: a session that reads from a replica and writes nothing).
 *
 * @example
 * const user = await withSession((session) => session.findOne(User, { where: { email } }))
 * const page = await withSession((s) => getMessages(s, projectId), undefined, { readOnly: true })
 */
export async function withSession<T>(
  fn: (session: Session) => Promise<T>,
  dataSource?: DataSource | Promise<DataSource>,
  options?: SessionOptions,
): Promise<T> {
  // `fn` runs in the session's own call chain: a session opened inside it is nested, one opened
  // next to it (another withSession started in the same tick) is not.
  const { value: session, run } = ownChain(() => new Session(dataSource, options))
  try {
    return await run(() => fn(session))
  } finally {
    await session.close()
  }
}

/**
 * Runs `fn` with a new session, commits when it returns, rolls back when it throws (and
 * rethrows), and always closes the session.
 *
 * A transaction that failed for a transient reason runs again, with a new session, up to
 * `DB_TRANSACTION_RETRIES` times (default 3) after a jittered, growing pause: a serialization
 * failure or a deadlock (`TransactionConflictError`) and an open connection lost before COMMIT
 * was sent (`ConnectionError`; a server that refuses connections is not retried). So `fn` must be
 * safe to run again: keep side effects outside the database (an email, an HTTP call) out of it,
 * or make them idempotent. When the connection is lost after
 * COMMIT was sent, nobody knows whether it committed: that is a `CommitOutcomeUnknownError`,
 * never retried.
 *
 * @example
 * const project = await withTransaction(async (session) =>
 *   session.add(Object.assign(new Project(), { name: "Hello", orchestratorId })),
 * )
 */
export function withTransaction<T>(
  fn: (session: Session) => Promise<T>,
  dataSource?: DataSource | Promise<DataSource>,
): Promise<T> {
  let last: Session | undefined
  return retryTransaction(
    async () => {
      const { value: session, run } = ownChain(() => new Session(dataSource))
      last = session
      try {
        const result = await run(() => fn(session))
        await session.commit()
        return result
      } catch (error) {
        await session.rollback().catch(() => undefined)
        throw error
      } finally {
        await session.close()
      }
    },
    {
      retries: () =>
        last!.getDataSource().then(
          (resolved) => resilienceOf(resolved).transactionRetries,
          () => DEFAULT_TRANSACTION_RETRIES,
        ),
    },
  )
}
