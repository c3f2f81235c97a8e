import {
  Column,
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  OneToMany,
  Unique,
} from "typeorm"
import { MetadataEntity } from "../mixins/metadata-entity"
import { Operator } from "./operator.entity"
import { Project } from "./project.entity"
import { Tool } from "./tool.entity"
import { User } from "./user.entity"

/**
 * A user's orchestrator: it runs operators on projects. Its name is unique per user; deleting it
 * deletes its operators, projects and their messages.
 */
@Entity("orchestrator")
@Unique("UQ_orchestrator_user_id_name", ["userId", "name"])
export class Orchestrator extends MetadataEntity {
  @Column({ type: "varchar", length: 32 })
  type!: string

  @Column({ type: "varchar", length: 32 })
  name!: string

  @Column({ name: "user_id", type: "uuid" })
  userId!: string

  @ManyToOne(() => User, (user) => user.orchestrators, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User

  @OneToMany(() => Operator, (operator) => operator.orchestrator)
  operators?: Operator[]

  @OneToMany(() => Project, (project) => project.orchestrator)
  projects?: Project[]

  @ManyToMany(() => Tool, (tool) => tool.orchestrators)
  @JoinTable({
    name: "orchestrator_tool_link",
    joinColumn: { name: "orchestrator_id", referencedColumnName: "id" },
    inverseJoinColumn: { name: "tool_id", referencedColumnName: "id" },
  })
  tools?: Tool[]
}
