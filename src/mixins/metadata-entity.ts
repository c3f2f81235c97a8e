import { PrimaryColumn } from "typeorm"
import { TimestampColumn } from "../decorators/timestamp-column.decorator"
import { registerStampedColumns } from "../internal/metadata/stamped-columns"
import { uuidv7 } from "../uuid"

/**
 * The base of every concrete-db model: a time-ordered UUIDv7 `id` assigned when the object is
 * constructed (so it is known before anything is saved), and `createdAt`/`updatedAt` timestamps
 * with milliseconds, assigned by the session when it inserts or updates the row.
 *
 * @example
 * @Entity()
 * class MyModel extends MetadataEntity {
 *   @Column({ type: "varchar", length: 64 }) name!: string
 * }
 *
 * const model = Object.assign(new MyModel(), { name: "first" })
 * model.id // already set
 */
export abstract class MetadataEntity {
  @PrimaryColumn({ type: "uuid" })
  id: string = uuidv7()

  @TimestampColumn({ name: "created_at" })
  createdAt!: Date

  @TimestampColumn({ name: "updated_at" })
  updatedAt!: Date
}

// The session stamps these two on insert (both) and on every update (updatedAt).
registerStampedColumns(MetadataEntity, { createdAt: "create", updatedAt: "update" })
