import { type ConcreteDbError, SessionStateError } from "../errors"

// Where a Session is in its life, and the refusals that follow from it: idle (no connection
// held), active (a connection held), failed (its transaction failed and was rolled back; work is
// refused until rollback()), closed (everything refused).
export class SessionStatus {
  private state: "idle" | "active" | "failed" | "closed" = "idle"
  private failure: ConcreteDbError | undefined = undefined

  get isClosed(): boolean {
    return this.state === "closed"
  }

  activate(): void {
    this.state = "active"
  }

  /** Back to idle: committed, rolled back or given back; a failure is forgotten. */
  idle(): void {
    this.state = "idle"
    this.failure = undefined
  }

  fail(failure: ConcreteDbError): void {
    this.state = "failed"
    this.failure = failure
  }

  close(): void {
    this.state = "closed"
  }

  assertOpen(action: string): void {
    if (this.state === "closed") {
      throw new SessionStateError(`Session.${action} was called after close(); open a new Session.`)
    }
  }

  assertUsable(action = "use"): void {
    this.assertOpen(action)
    if (this.state === "failed") {
      throw new SessionStateError(
        `Session.${action} was refused: the session's transaction failed (${this.failure?.message ?? "unknown error"}) and was rolled back; call session.rollback() before using it again.`,
        { cause: this.failure },
      )
    }
  }
}
