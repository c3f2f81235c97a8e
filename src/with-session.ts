import type { DataSource } from "typeorm"
import { ownChain } from "./internal/session-chain"
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
 * @example
 * const project = await withTransaction(async (session) =>
 *   session.add(Object.assign(new Project(), { name: "Hello", orchestratorId })),
 * )
 */
export async function withTransaction<T>(
  fn: (session: Session) => Promise<T>,
  dataSource?: DataSource | Promise<DataSource>,
): Promise<T> {
  const { value: session, run } = ownChain(() => new Session(dataSource))
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
}
