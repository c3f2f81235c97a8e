/** Refuses what is not an entity object (an array, a primitive) with a TypeError naming the call. */
export function assertEntityObject(entity: unknown, action: string): void {
  if (entity === null || typeof entity !== "object" || Array.isArray(entity)) {
    throw new TypeError(
      `Session.${action} takes an entity object, not ${Array.isArray(entity) ? "an array" : String(entity)}`,
    )
  }
}
