/** Options of a `Session`. */
export interface SessionOptions {
  /**
   * SQLite only: how long a session waits for the sessions ahead of it on the same data source
   * before it fails with a `ConnectionError`. Default 30 000 ms.
   */
  readonly lockTimeoutMs?: number
  /**
   * A session that only reads: it runs on a read replica (`DB_READ_REPLICAS`, taken in turn; the
   * primary when none answers), in a READ ONLY transaction, and refuses every write with a
   * `SessionStateError` before anything is sent. A replica may lag behind the primary: never use
   * one to read what you have just written. On PostgreSQL and MySQL its READ ONLY transaction
   * opens with its first read (`inTransaction` is then true). Default false.
   *
   * @example
   * await using session = new Session(undefined, { readOnly: true })
   * const messages = await session.find(Message, { where: { projectId } })
   */
  readonly readOnly?: boolean
}

export const DEFAULT_LOCK_TIMEOUT_MS = 30_000
