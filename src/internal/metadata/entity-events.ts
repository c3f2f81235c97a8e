import type { DataSource, EntityMetadata, EntitySubscriberInterface } from "typeorm"

/**
 * Which TypeORM lifecycle events have a listener (an `@BeforeInsert`… method of the entity or of
 * one of its embeddeds) or a subscriber of the data source for one entity. Decided once per plan:
 * an entity with none of them costs the session's reads and writes nothing.
 */
export interface EntityEvents {
  readonly beforeInsert: boolean
  readonly afterInsert: boolean
  readonly beforeUpdate: boolean
  readonly afterUpdate: boolean
  readonly beforeRemove: boolean
  readonly afterRemove: boolean
  readonly afterLoad: boolean
}

type SubscriberMethod = keyof EntityEvents & keyof EntitySubscriberInterface

/*
 * Subscribers whose work the session does itself (the package's timestamp subscriber: the session
 * stamps rows on its own), by class. They are still called by TypeORM's own writes, and by the
 * broadcaster when another listener of the same entity makes the session broadcast.
 */
const doneBySession = new WeakSet<object>()

/** The session does what subscribers of this class do: they alone never make it broadcast. */
export function registerSessionDoneSubscriber(subscriberClass: abstract new () => object): void {
  doneBySession.add(subscriberClass)
}

/** The events of an entity that something listens to, or undefined when nothing listens. */
export function entityEventsOf(
  metadata: EntityMetadata,
  dataSource: DataSource,
): EntityEvents | undefined {
  const subscribers = dataSource.subscribers.filter(
    (subscriber) =>
      !doneBySession.has(subscriber.constructor) && listensTo(subscriber, metadata.target),
  )
  const has = (listeners: readonly unknown[], method: SubscriberMethod): boolean =>
    listeners.length > 0 ||
    subscribers.some((subscriber) => typeof subscriber[method] === "function")
  const events: EntityEvents = {
    beforeInsert: has(metadata.beforeInsertListeners, "beforeInsert"),
    afterInsert: has(metadata.afterInsertListeners, "afterInsert"),
    beforeUpdate: has(metadata.beforeUpdateListeners, "beforeUpdate"),
    afterUpdate: has(metadata.afterUpdateListeners, "afterUpdate"),
    beforeRemove: has(metadata.beforeRemoveListeners, "beforeRemove"),
    afterRemove: has(metadata.afterRemoveListeners, "afterRemove"),
    afterLoad: has(metadata.afterLoadListeners, "afterLoad"),
  }
  return Object.values(events).some(Boolean) ? events : undefined
}

// The test TypeORM's Broadcaster applies (`isAllowedSubscriber`): no `listenTo`, or a class the
// entity is or extends.
function listensTo(
  subscriber: EntitySubscriberInterface,
  target: EntityMetadata["target"],
): boolean {
  const listened = subscriber.listenTo?.() as unknown
  return (
    !listened ||
    listened === Object ||
    listened === target ||
    (typeof listened === "function" &&
      typeof target === "function" &&
      Object.prototype.isPrototypeOf.call(listened, target))
  )
}
