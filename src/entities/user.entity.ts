import { Column, Entity, JoinTable, ManyToMany, OneToMany, OneToOne, Unique } from "typeorm"
import { MetadataEntity } from "../mixins/metadata-entity"
import { ProfilePictureMixin } from "../mixins/profile-picture.mixin"
import { AuthToken } from "./auth-token.entity"
import { Orchestrator } from "./orchestrator.entity"
import { Tool } from "./tool.entity"

/**
 * A person who owns orchestrators. Deleting a user deletes its orchestrators (and everything
 * under them), its auth token and its tool links.
 *
 * @example
 * const user = Object.assign(new User(), { email: "ada@example.com", firstName: "Ada" })
 */
@Entity("user")
@Unique("UQ_user_email", ["email"])
export class User extends ProfilePictureMixin(MetadataEntity) {
  @Column({ name: "first_name", type: "varchar", length: 64, nullable: true })
  firstName?: string | null

  @Column({ name: "last_name", type: "varchar", length: 64, nullable: true })
  lastName?: string | null

  @Column({ type: "varchar", length: 128 })
  email!: string

  @OneToMany(() => Orchestrator, (orchestrator) => orchestrator.user)
  orchestrators?: Orchestrator[]

  @OneToOne(() => AuthToken, (token) => token.user)
  authToken?: AuthToken | null

  @ManyToMany(() => Tool, (tool) => tool.users)
  @JoinTable({
    name: "user_tool_link",
    joinColumn: { name: "user_id", referencedColumnName: "id" },
    inverseJoinColumn: { name: "tool_id", referencedColumnName: "id" },
  })
  tools?: Tool[]
}
