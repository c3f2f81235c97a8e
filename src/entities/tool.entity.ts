import { Column, Entity, ManyToMany } from "typeorm"
import { MetadataEntity } from "../mixins/metadata-entity"
import { Operator } from "./operator.entity"
import { Orchestrator } from "./orchestrator.entity"
import { User } from "./user.entity"

/**
 * A tool that users, orchestrators and operators can be given; the links live in
 * `user_tool_link`, `orchestrator_tool_link` and `operator_tool_link` and go away with either side.
 */
@Entity("tool")
export class Tool extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  name!: string

  @ManyToMany(() => User, (user) => user.tools)
  users?: User[]

  @ManyToMany(() => Orchestrator, (orchestrator) => orchestrator.tools)
  orchestrators?: Orchestrator[]

  @ManyToMany(() => Operator, (operator) => operator.tools)
  operators?: Operator[]
}
