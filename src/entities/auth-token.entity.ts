import { Column, Entity, JoinColumn, OneToOne } from "typeorm"
import { MetadataEntity } from "../mixins/metadata-entity"
import { User } from "./user.entity"

/** A user's OAuth refresh token; one per user, deleted with the user. */
@Entity("auth_token")
export class AuthToken extends MetadataEntity {
  @Column({ name: "refresh_token", type: "varchar", length: 128 })
  refreshToken!: string

  @Column({ name: "user_id", type: "uuid" })
  userId!: string

  @OneToOne(() => User, (user) => user.authToken, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User
}
