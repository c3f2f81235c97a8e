import {
  Column,
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  OneToMany,
  OneToOne,
  Unique,
} from "typeorm"
import { MetadataEntity } from "../mixins/metadata-entity"
import { ProfilePictureMixin } from "../mixins/profile-picture.mixin"
import { Client } from "./client.entity"
import { Orchestrator } from "./orchestrator.entity"
import { Project } from "./project.entity"
import { Tool } from "./tool.entity"

/**
 * An AI operator (an executive, a developer, …) of an orchestrator. Its name is unique within
 * the orchestrator; deleting it deletes its clients and its direct-message project.
 */
@Entity("operator")
@Unique("UQ_operator_orchestrator_id_name", ["orchestratorId", "name"])
export class Operator extends ProfilePictureMixin(MetadataEntity) {
  @Column({ type: "text" })
  instructions!: string

  @Column({ type: "varchar", length: 64 })
  name!: string

  @Column({ type: "varchar", length: 32 })
  title!: string

  @Column({ name: "orchestrator_id", type: "uuid" })
  orchestratorId!: string

  @ManyToOne(() => Orchestrator, (orchestrator) => orchestrator.operators, { onDelete: "CASCADE" })
  @JoinColumn({ name: "orchestrator_id" })
  orchestrator?: Orchestrator

  @OneToMany(() => Client, (client) => client.operator)
  clients?: Client[]

  @ManyToMany(() => Tool, (tool) => tool.operators)
  @JoinTable({
    name: "operator_tool_link",
    joinColumn: { name: "operator_id", referencedColumnName: "id" },
    inverseJoinColumn: { name: "tool_id", referencedColumnName: "id" },
  })
  tools?: Tool[]

  @OneToOne(() => Project, (project) => project.directMessageOperator)
  directMessageProject?: Project | null
}
