import type { EntityMetadata } from "typeorm"

/** The session's tracked objects, one per entity and primary key (the identity). */
export class IdentityMap {
  private readonly byEntity = new Map<EntityMetadata, Map<string, object>>()
  private count = 0

  get size(): number {
    return this.count
  }

  get(metadata: EntityMetadata, identity: string): object | undefined {
    return this.byEntity.get(metadata)?.get(identity)
  }

  set(metadata: EntityMetadata, identity: string, entity: object): void {
    let byId = this.byEntity.get(metadata)
    if (!byId) this.byEntity.set(metadata, (byId = new Map<string, object>()))
    const size = byId.size
    byId.set(identity, entity)
    this.count += byId.size - size
  }

  /** Removes the entry of `identity` if it holds `entity`. */
  delete(metadata: EntityMetadata, identity: string, entity: object): void {
    const byId = this.byEntity.get(metadata)
    if (byId && byId.get(identity) === entity) {
      byId.delete(identity)
      this.count -= 1
    }
  }

  *values(): Generator<object> {
    for (const byId of this.byEntity.values()) yield* byId.values()
  }

  clear(): void {
    // Clearing a Map allocates its new table, even an empty one's (a session per read or per
    // commit closes with nothing or one entity in it).
    if (this.byEntity.size > 0) this.byEntity.clear()
    this.count = 0
  }
}
