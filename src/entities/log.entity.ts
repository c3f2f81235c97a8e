import { Column, Entity } from "typeorm"
import { LongTextColumn } from "../decorators/long-text-column.decorator"
import { MetadataEntity } from "../mixins/metadata-entity"

/** A log line written to the database. */
@Entity("log")
export class Log extends MetadataEntity {
  @Column({ type: "varchar", length: 10 })
  level!: string

  @LongTextColumn()
  message!: string
}
