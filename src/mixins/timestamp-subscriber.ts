import {
  EventSubscriber,
  type EntitySubscriberInterface,
  type InsertEvent,
  type UpdateEvent,
} from "typeorm"
import { registerSessionDoneSubscriber } from "../internal/metadata/entity-events"
import { MetadataEntity } from "./metadata-entity"

// The Session stamps rows itself. This keeps plain TypeORM (`manager.save`, repositories) filling
// `createdAt`/`updatedAt` the same way for anyone who uses the entities without a Session.
@EventSubscriber()
export class TimestampSubscriber implements EntitySubscriberInterface<MetadataEntity> {
  beforeInsert(event: InsertEvent<MetadataEntity>): void {
    const entity = event.entity
    if (!(entity instanceof MetadataEntity)) return
    entity.createdAt ??= new Date()
    entity.updatedAt ??= entity.createdAt
  }

  beforeUpdate(event: UpdateEvent<MetadataEntity>): void {
    const entity = event.entity
    if (entity instanceof MetadataEntity) entity.updatedAt = new Date()
  }
}

// The Session does this work itself: this subscriber alone never makes it broadcast events.
registerSessionDoneSubscriber(TimestampSubscriber)
