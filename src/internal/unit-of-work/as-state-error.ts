import { SessionStateError } from "../../errors"

/**
 * An error computing a flush's work as the session reports it: a TypeError (an entity the
 * session cannot write, a relation it does not support) becomes a `SessionStateError`.
 */
export function asStateError(error: unknown): unknown {
  return error instanceof TypeError ? new SessionStateError(error.message, { cause: error }) : error
}

/** A step's value as it is, or its promise with a rejection as `asStateError` makes it. */
export function catchAsState<T>(value: T | Promise<T>): T | Promise<T> {
  return value instanceof Promise
    ? value.catch((error: unknown) => {
        throw asStateError(error)
      })
    : value
}
