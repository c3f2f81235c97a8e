import type { Session } from "../session"

/**
 * The session of one request, opened when the handler first asks for it (a request that never
 * uses the database costs nothing) and closed once, after the handler has finished.
 */
export class RequestSession {
  private current: Session | undefined
  private closed = false

  constructor(private readonly open: () => Session) {}

  /** The request's session, opened on first use. */
  get session(): Session {
    this.current ??= this.open()
    return this.current
  }

  /** Closes the session (rolling back what was not committed), if one was opened. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.current?.close()
  }
}
