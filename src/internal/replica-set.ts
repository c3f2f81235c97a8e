/** How long a replica that failed is left out before a session tries it again. */
export const REPLICA_RETRY_AFTER_MS = 5_000

export interface ReplicaSetOptions {
  readonly retryAfterMs?: number
  /** The clock, in milliseconds (tests pass their own). */
  readonly now?: () => number
  /** Told when a replica in service is left out, with the error that made it so. */
  readonly onDown?: (replica: number, reason: unknown) => void
  /** Told when a replica that was left out gives a connection again. */
  readonly onBack?: (replica: number) => void
}

/** A connection a replica gave, and the replica, to report it down if the connection fails. */
export interface ReplicaLease<C> {
  readonly connection: C
  readonly replica: number
}

/**
 * Replicas taken in turn (round-robin). One that fails to give a connection is left out for a
 * while (`retryAfterMs`), so that sessions do not each wait for it; when every replica is out,
 * `take` returns undefined and the caller reads from the primary.
 */
export class ReplicaSet<C> {
  readonly retryAfterMs: number
  private next = 0
  private readonly downUntil: number[]
  // Down since it last failed, until it gives a connection again: outlives `downUntil`, so a
  // replica failing every retry is reported once, not every `retryAfterMs`.
  private readonly down: boolean[]
  private readonly now: () => number

  constructor(
    readonly size: number,
    private readonly open: (replica: number) => Promise<C>,
    private readonly options: ReplicaSetOptions = {},
  ) {
    this.downUntil = new Array<number>(size).fill(0)
    this.down = new Array<boolean>(size).fill(false)
    this.retryAfterMs = options.retryAfterMs ?? REPLICA_RETRY_AFTER_MS
    this.now = options.now ?? Date.now
  }

  /** A connection from the next replica that gives one, or undefined when none does. */
  async take(): Promise<ReplicaLease<C> | undefined> {
    for (let tried = 0; tried < this.size; tried++) {
      const replica = this.next
      this.next = (this.next + 1) % this.size
      if (this.downUntil[replica]! > this.now()) continue
      let connection: C
      try {
        connection = await this.open(replica)
      } catch (error) {
        this.markDown(replica, error)
        continue
      }
      if (this.down[replica]) {
        this.down[replica] = false
        this.options.onBack?.(replica)
      }
      return { connection, replica }
    }
    return undefined
  }

  /** Leaves `replica` out until the retry delay has passed; `reason` is why (for `onDown`). */
  markDown(replica: number, reason?: unknown): void {
    this.downUntil[replica] = this.now() + this.retryAfterMs
    if (this.down[replica]) return
    this.down[replica] = true
    this.options.onDown?.(replica, reason)
  }

  /** Whether `replica` is left out now. */
  isDown(replica: number): boolean {
    return this.downUntil[replica]! > this.now()
  }
}
