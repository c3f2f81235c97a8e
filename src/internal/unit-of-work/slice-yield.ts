// A large flush (100,000 rows) runs for seconds; it gives the event loop a turn (setImmediate:
// timers, I/O, other requests) once a slice of time has passed, so the process keeps answering:
// between its statements, and every few rows of the work it does in memory before and after them
// (staging, change sets, bookkeeping). Small flushes never reach a slice: they pay a clock read
// per statement and per EVERY_ROWS rows, and no promise per row; their in-memory steps return
// values, not promises (a promise only once a turn is taken), so a one-row commit awaits little
// more than its statement.

/** How long a flush runs before it lets the event loop turn. */
export const SLICE_MS = 15

/** Rows of in-memory work between two looks at the clock. */
export const EVERY_ROWS = 64

/** Resolves at once (undefined) within a slice; after one turn of the event loop once it is over. */
export type Turn = () => Promise<void> | undefined

/**
 * A function to await between statements: it resolves at once until `sliceMs` have passed
 * since the last turn, then after one turn of the event loop.
 */
export function sliceYielder(sliceMs = SLICE_MS): Turn {
  let last = performance.now()
  return () => {
    const now = performance.now()
    if (now - last < sliceMs) return undefined
    // Two immediates: one set from a timer or an I/O callback (where a flush starts, and where
    // a network statement's answer resumes it) runs in the same loop iteration, before any timer
    // or I/O, and the next slice would follow this one at once (two slices in one stall). The
    // second, set from the first's callback, runs only after the loop's timers and I/O.
    return new Promise<void>((resolve) =>
      setImmediate(() =>
        setImmediate(() => {
          last = performance.now()
          resolve()
        }),
      ),
    )
  }
}

/** A turn that never yields: for callers that run a flush's steps in one piece. */
export const neverYield: Turn = () => undefined

/**
 * `visit` for each item, in order, with a turn of the event loop whenever a slice is over (the
 * clock is read every EVERY_ROWS items). No promise at all when the items take less than a
 * slice (a small flush), one per turn otherwise; none per item.
 */
export function eachSliced<T>(
  items: Iterable<T>,
  turn: Turn,
  visit: (item: T) => void,
): Promise<void> | undefined {
  return visitSliced(items[Symbol.iterator](), turn, visit)
}

function visitSliced<T>(
  iterator: Iterator<T>,
  turn: Turn,
  visit: (item: T) => void,
): Promise<void> | undefined {
  // The loop is a plain function: an async function's loop is not optimized while it runs.
  while (visitSome(iterator, visit)) {
    const waiting = turn()
    if (waiting) return waiting.then(() => visitSliced(iterator, turn, visit))
  }
  return undefined
}

/**
 * Runs `steps` in order. A step returns a promise only when its slice ran out: the steps after
 * it wait for that; a flush that ends within one slice runs them all at once, with no promise.
 */
export function runSteps(
  steps: readonly (() => Promise<void> | undefined)[],
  from = 0,
): Promise<void> | undefined {
  for (let i = from; i < steps.length; i += 1) {
    const waiting = steps[i]!()
    if (waiting) return waiting.then(() => runSteps(steps, i + 1))
  }
  return undefined
}

/** `next(value)`, at once for a value, or once a promise of it resolved. */
export function andThen<T, R>(
  value: T | Promise<T>,
  next: (value: T) => R | Promise<R>,
): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value)
}

// Visits up to EVERY_ROWS items; whether the iterator may have more.
function visitSome<T>(iterator: Iterator<T>, visit: (item: T) => void): boolean {
  for (let count = 0; count < EVERY_ROWS; count += 1) {
    const next = iterator.next()
    if (next.done === true) return false
    visit(next.value)
  }
  return true
}
