/** Median, minimum and maximum of a list of measurements. */
export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly runs: number
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length }
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

/** Formats milliseconds with a unit that keeps three significant digits. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 1) return `${ms.toPrecision(3)} ms`
  return `${(ms * 1000).toPrecision(3)} µs`
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
