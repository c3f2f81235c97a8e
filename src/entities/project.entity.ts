import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, OneToOne, Unique } from "typeorm"
import { MetadataEntity } from "../mixins/metadata-entity"
import { Message } from "./message.entity"
import { Operator } from "./operator.entity"
import { Orchestrator } from "./orchestrator.entity"

/**
 * A unit of work of an orchestrator, with the messages exchanged on it. Its name is unique within
 * the orchestrator. An operator's direct-message project points back at the operator and is
 * deleted with it.
 */
@Entity("project")
@Unique("UQ_project_orchestrator_id_name", ["orchestratorId", "name"])
export class Project extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  name!: string

  @Column({ name: "orchestrator_id", type: "uuid" })
  orchestratorId!: string

  @Column({ name: "executive_id", type: "uuid", nullable: true })
  @Index()
  executiveId?: string | null

  @Column({ name: "developer_id", type: "uuid", nullable: true })
  @Index()
  developerId?: string | null

  @Column({ name: "direct_message_operator_id", type: "uuid", nullable: true })
  directMessageOperatorId?: string | null

  @ManyToOne(() => Orchestrator, (orchestrator) => orchestrator.projects, { onDelete: "CASCADE" })
  @JoinColumn({ name: "orchestrator_id" })
  orchestrator?: Orchestrator

  @ManyToOne(() => Operator, { onDelete: "SET NULL" })
  @JoinColumn({ name: "executive_id" })
  executive?: Operator | null

  @ManyToOne(() => Operator, { onDelete: "SET NULL" })
  @JoinColumn({ name: "developer_id" })
  developer?: Operator | null

  @OneToOne(() => Operator, (operator) => operator.directMessageProject, { onDelete: "CASCADE" })
  @JoinColumn({ name: "direct_message_operator_id" })
  directMessageOperator?: Operator | null

  @OneToMany(() => Message, (message) => message.project)
  messages?: Message[]
}
