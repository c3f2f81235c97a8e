import { CommitOutcomeUnknownError, ConnectionError, TransactionConflictError } from "../errors"
import { translateError } from "./errors/translate-error"

// Backoff before the nth retry: a random delay in [half, all] of min(CAP, BASE × 2^(n-1)), so
// that transactions that conflicted once do not meet again at the same moment.
const BASE_DELAY_MS = 20
const MAX_DELAY_MS = 1_000

/**
 * Whether a failed transaction may simply run again: the database rolled it back for a conflict
 * (serialization failure, deadlock), or an open connection was lost before COMMIT was sent.
 * Never when COMMIT was sent and its answer lost: the transaction may have been committed.
 */
export function isRetryableTransactionError(error: unknown): boolean {
  // Errors from the session are translated; anything else (a driver's own error from code that
  // bypassed the session) is classified the same way.
  const translated = translateError(error, undefined)
  if (translated instanceof CommitOutcomeUnknownError) return false
  if (translated instanceof TransactionConflictError) return true
  return translated instanceof ConnectionError && wasLost(translated.cause)
}

// A connection that was open and then lost (terminated, killed, reset, a pooler's server
// connection gone). Not one that could not be opened (refused, timed out, too many clients, a
// bad login): the pool already waited DB_CONNECT_TIMEOUT_MS for it, and SQLite's lock timeout
// already waited its turn.
const LOST_CODES = new Set([
  "57P01", // admin_shutdown: pg_terminate_backend, a server shutting down
  "57P02",
  "57P03",
  "08000",
  "08003",
  "08006",
  "08007",
  "08P01", // protocol_violation: also PgBouncer's "server conn crashed?"
  "ECONNRESET",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "ER_CONNECTION_KILLED",
])
const LOST_MESSAGES =
  /Connection terminated(?! due to connection timeout)|is not queryable|Connection lost|server closed the connection|Can't add new command when connection is in closed state|Connection was killed/i

function wasLost(cause: unknown): boolean {
  const outer = (typeof cause === "object" && cause !== null ? cause : {}) as {
    driverError?: unknown
  }
  const raw = (outer.driverError ?? outer) as { code?: unknown; message?: unknown }
  if (typeof raw.code === "string" && LOST_CODES.has(raw.code)) return true
  return typeof raw.message === "string" && LOST_MESSAGES.test(raw.message)
}

/** The wait before retry number `retry` (1 for the first retry), in milliseconds. */
export function retryDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, retry - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

export interface RetryOptions {
  /** How many times `attempt` may run again; asked after the first retryable failure. */
  readonly retries: () => Promise<number>
  readonly sleep?: (ms: number) => Promise<void>
  readonly random?: () => number
}

/** Runs `attempt` until it succeeds, fails with an error not worth retrying, or retries run out. */
export async function retryTransaction<T>(
  attempt: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? ((ms) => new Promise<void>((done) => setTimeout(done, ms)))
  let retries: number | undefined
  for (let retry = 1; ; retry++) {
    try {
      return await attempt()
    } catch (error) {
      if (!isRetryableTransactionError(error)) throw error
      retries ??= await options.retries()
      if (retry > retries) throw error
      await sleep(retryDelayMs(retry, options.random))
    }
  }
}
