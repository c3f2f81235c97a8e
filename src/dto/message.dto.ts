import { IsIn, IsJSON, IsOptional, IsString, IsUUID } from "class-validator"
import { MESSAGE_STATUSES, type MessageStatus } from "../entities/message.entity"
import {
  ExactlyOneOf,
  fitsUtf8Bytes,
  IsOptionalNotNull,
  LONG_TEXT_MAX_BYTES,
  MaxLength,
  MaxUtf8Bytes,
  MESSAGE_CONTENT_MAX_BYTES,
  StorableText,
  WHEN_SET,
} from "./validators"
import { allOf, NonEmptyText, SizedText } from "./field-rules"

const SENDERS = ["userId", "operatorId"] as const

/** One of the message statuses (`"init"`, …). */
const Status = (): PropertyDecorator =>
  allOf(IsString(), MaxLength(16), IsIn(MESSAGE_STATUSES), StorableText())

// JSON.parse of an oversized content would be wasted work: MaxUtf8Bytes already rejects it.
const JSON_WHEN_NOT_OVERSIZED = {
  validateIf: (_object: unknown, value: unknown) =>
    typeof value !== "string" || fitsUtf8Bytes(value, MESSAGE_CONTENT_MAX_BYTES),
}

/**
 * A new message of a project: its type (the lower-cased message class name, such as
 * `"textmessage"` or `"projectdirectory"`), its content as JSON text (an object or an array, at
 * most 12 MiB in UTF-8), the prompt it answers, its status (default `"init"`) and its sender:
 * exactly one of `userId` and `operatorId`.
 *
 * @example
 * const create = await parseDto(MessageCreate, {
 *   type: "textmessage",
 *   content: JSON.stringify({ text: "Hello" }),
 *   projectId,
 *   userId,
 * })
 */
export class MessageCreate {
  @NonEmptyText(64)
  type!: string

  @IsString()
  @MaxUtf8Bytes(MESSAGE_CONTENT_MAX_BYTES)
  @IsJSON(JSON_WHEN_NOT_OVERSIZED)
  @StorableText()
  content!: string

  @IsOptional()
  @SizedText(LONG_TEXT_MAX_BYTES)
  prompt?: string | null

  @IsOptionalNotNull()
  @Status()
  status?: MessageStatus

  @IsUUID()
  projectId!: string

  @ExactlyOneOf(SENDERS)
  @IsUUID(undefined, WHEN_SET)
  userId?: string | null

  @ExactlyOneOf(SENDERS)
  @IsUUID(undefined, WHEN_SET)
  operatorId?: string | null
}

/**
 * Changes to a message: its status. Its project, sender, type and content cannot change.
 *
 * @example
 * const update = await parseDto(MessageUpdate, { status: "finished" })
 */
export class MessageUpdate {
  @IsOptionalNotNull()
  @Status()
  status?: MessageStatus
}
