/**
 * Copies the fields an Update DTO carries (its own properties that are not `undefined`) onto an
 * entity; `null` is copied, clearing a nullable column. Returns the names copied.
 *
 * @example
 * applyUpdate(operator, await parseDto(OperatorUpdate, { name: "Dev" })) // ["name"]
 */
export function applyUpdate(entity: object, update: object): string[] {
  const target = entity as Record<string, unknown>
  const copied: string[] = []
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue
    target[key] = value
    copied.push(key)
  }
  return copied
}
