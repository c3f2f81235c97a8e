import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm"
import { CheckHint } from "../decorators/check-hint.decorator"
import { LongTextColumn } from "../decorators/long-text-column.decorator"
import { MetadataEntity } from "../mixins/metadata-entity"
import { Operator } from "./operator.entity"
import { Project } from "./project.entity"
import { User } from "./user.entity"

/** The lifecycle of a message. */
export const MessageStatus = {
  Init: "init",
  Ready: "ready",
  Working: "working",
  Waiting: "waiting",
  Finished: "finished",
} as const

export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus]

/** The five statuses, in lifecycle order. */
export const MESSAGE_STATUSES: readonly MessageStatus[] = Object.values(MessageStatus)

/** SQL that holds when exactly one of the two senders is set; the same text on every database. */
export const MESSAGE_SENDER_CHECK = "(user_id IS NULL) <> (operator_id IS NULL)"

/**
 * One message of a project: its type, its content as JSON text, the prompt it answers, its status
 * and its sender, which is exactly one of a user or an operator (a CHECK constraint on every
 * database). A project's messages are read in (createdAt, id) order.
 */
@Entity("message")
@Check("CHK_message_sender", MESSAGE_SENDER_CHECK)
@CheckHint(
  "CHK_message_sender",
  "a message has exactly one sender: set userId or operatorId, not both and not neither",
)
@Check("CHK_message_status", `status IN (${MESSAGE_STATUSES.map((v) => `'${v}'`).join(", ")})`)
@CheckHint("CHK_message_status", `status is one of ${MESSAGE_STATUSES.join(", ")}`)
@Index(["projectId", "createdAt", "id"])
export class Message extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  type!: string

  @LongTextColumn()
  content!: string

  @LongTextColumn({ nullable: true })
  prompt?: string | null

  @Column({ type: "varchar", length: 16, default: MessageStatus.Init })
  status: MessageStatus = MessageStatus.Init

  @Column({ name: "project_id", type: "uuid" })
  projectId!: string

  @Column({ name: "user_id", type: "uuid", nullable: true })
  @Index()
  userId?: string | null

  @Column({ name: "operator_id", type: "uuid", nullable: true })
  @Index()
  operatorId?: string | null

  @ManyToOne(() => Project, (project) => project.messages, { onDelete: "CASCADE" })
  @JoinColumn({ name: "project_id" })
  project?: Project

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User | null

  @ManyToOne(() => Operator, { onDelete: "CASCADE" })
  @JoinColumn({ name: "operator_id" })
  operator?: Operator | null

  // toObj() is added by ../messages/message-to-obj.ts: messages sit above entities.
}
