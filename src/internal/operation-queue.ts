/**
 * Runs async operations one at a time, in the order they were queued: a session is one
 * transaction on one connection, so its operations never overlap. A failed operation does not
 * stop the ones after it.
 */
export class OperationQueue {
  // The last queued operation's settlement; undefined once it settled with nothing queued after.
  private tail: Promise<void> | undefined = undefined

  /** Whether no operation is running or waiting (one started now would run at once). */
  get idle(): boolean {
    return this.tail === undefined
  }

  run<T>(operation: () => Promise<T>): Promise<T> {
    // Nothing running: the operation starts now, as its first statement would after one turn of
    // the microtask queue anyway (a commit, say, pays no extra promise and hop for the queue).
    const result = this.tail ? this.tail.then(operation, operation) : start(operation)
    const settle = (): void => {
      if (this.tail === settled) this.tail = undefined
    }
    const settled: Promise<void> = result.then(settle, settle)
    this.tail = settled
    return result
  }
}

function start<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return operation()
  } catch (error) {
    // The session's operations are async functions, which never throw: this is a safety net.
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}
