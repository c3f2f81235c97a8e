/**
 * `count` and `noun`, plural unless the count is one.
 *
 * @example
 * plural(2, "file") // "2 files"
 */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`
}
