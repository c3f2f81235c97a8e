/**
 * Runs async operations one at a time, in the order they were queued: a session is one
 * transaction on one connection, so its operations never overlap. A failed operation does not
 * stop the ones after it.
 */
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation, operation)
    this.tail = result.catch(() => undefined)
    return result
  }
}
