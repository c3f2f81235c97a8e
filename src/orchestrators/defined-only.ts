/**
 * `options` without its undefined properties, so that spreading it over defaults keeps them.
 *
 * @example
 * ({ name: "Executive", ...definedOnly({ name: undefined }) }).name // "Executive"
 */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>
}
