/**
 * A first-in, first-out mutex for async code. `acquire` resolves with a release function once
 * every earlier holder has released; waiters are served in the order they asked.
 */
export class AsyncLock {
  private held = false
  private readonly waiters: Array<() => void> = []

  /** Whether someone holds the lock right now. */
  get isHeld(): boolean {
    return this.held
  }

  /** Takes the lock if no one holds it: its release function, or undefined (nothing waits). */
  tryAcquire(): (() => void) | undefined {
    if (this.held) return undefined
    this.held = true
    return this.releaser()
  }

  /**
   * Waits for the lock. With `timeoutMs`, gives up after that long and rejects with what
   * `onTimeout` returns; the waiter is then removed, so the lock is never handed to nobody. The
   * timer keeps the process alive: a process whose only work is this wait must not exit (with
   * code 0, losing what the holder flushed) before it gets the lock or times out.
   */
  acquire(timeoutMs?: number, onTimeout?: () => Error): Promise<() => void> {
    const release = this.tryAcquire()
    if (release) return Promise.resolve(release)
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const grant = (): void => {
        if (timer) clearTimeout(timer)
        resolve(this.releaser())
      }
      this.waiters.push(grant)
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          const index = this.waiters.indexOf(grant)
          if (index !== -1) this.waiters.splice(index, 1)
          reject(onTimeout?.() ?? new Error(`lock not acquired within ${timeoutMs} ms`))
        }, timeoutMs)
      }
    })
  }

  private releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiters.shift()
      if (next) next()
      else this.held = false
    }
  }
}
