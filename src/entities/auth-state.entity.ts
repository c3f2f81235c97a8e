import { Column, Entity, Unique } from "typeorm"
import { MetadataEntity } from "../mixins/metadata-entity"

/** The `state` of an OAuth round trip and where to send the user when it comes back. */
@Entity("auth_state")
@Unique("UQ_auth_state_state", ["state"])
export class AuthState extends MetadataEntity {
  @Column({ type: "varchar", length: 128 })
  state!: string

  @Column({ name: "destination_url", type: "varchar", length: 128 })
  destinationUrl!: string
}
