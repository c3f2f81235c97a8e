import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm"
import { MetadataEntity } from "../mixins/metadata-entity"
import { Operator } from "./operator.entity"
import { Orchestrator } from "./orchestrator.entity"

/** The LLM client an operator talks through: provider, model and temperature. */
@Entity("client")
export class Client extends MetadataEntity {
  @Column({ type: "varchar", length: 32, default: "OpenAI" })
  client: string = "OpenAI"

  @Column({ type: "double precision", default: 0 })
  temperature: number = 0

  @Column({ type: "varchar", length: 32, default: "gpt-4o-mini" })
  model: string = "gpt-4o-mini"

  @Column({ name: "orchestrator_id", type: "uuid" })
  @Index()
  orchestratorId!: string

  @Column({ name: "operator_id", type: "uuid" })
  @Index()
  operatorId!: string

  @ManyToOne(() => Orchestrator, { onDelete: "CASCADE" })
  @JoinColumn({ name: "orchestrator_id" })
  orchestrator?: Orchestrator

  @ManyToOne(() => Operator, (operator) => operator.clients, { onDelete: "CASCADE" })
  @JoinColumn({ name: "operator_id" })
  operator?: Operator
}
