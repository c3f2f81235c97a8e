// A large flush (100,000 rows) runs for seconds; between its statements it gives the event loop
// a turn (setImmediate: timers, I/O, other requests) once a slice of time has passed, so the
// process keeps answering. Small flushes never reach a slice and pay one clock read per
// statement.

/** How long a flush runs before it lets the event loop turn. */
export const SLICE_MS = 15

/**
 * A function to await between statements: it resolves at once until `sliceMs` have passed
 * since the last turn, then after one turn of the event loop.
 */
export function sliceYielder(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let last = performance.now()
  return () => {
    const now = performance.now()
    if (now - last < sliceMs) return undefined
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now()
        resolve()
      }),
    )
  }
}
