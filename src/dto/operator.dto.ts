import { IsOptional, IsUUID } from "class-validator"
import { IsOptionalNotNull, TEXT_MAX_BYTES } from "./validators"
import { NonEmptyText, ProfilePictureUrl, SizedText } from "./field-rules"

/**
 * A new operator of an orchestrator: its instructions, a name unique within the orchestrator, a
 * title (`"executive"`, `"developer"`, …) and optionally a profile picture URL.
 *
 * @example
 * const create = await parseDto(OperatorCreate, {
 *   instructions: "Write the code.",
 *   name: "Dev",
 *   title: "developer",
 *   orchestratorId,
 * })
 */
export class OperatorCreate {
  @SizedText(TEXT_MAX_BYTES)
  instructions!: string

  @NonEmptyText(64)
  name!: string

  @NonEmptyText(32)
  title!: string

  @IsUUID()
  orchestratorId!: string

  @IsOptional()
  @ProfilePictureUrl()
  profilePictureUrl?: string | null
}

/**
 * Changes to an operator: its instructions, name and profile picture (`null` clears it). Its
 * orchestrator and title cannot change.
 *
 * @example
 * const update = await parseDto(OperatorUpdate, { instructions: "Review the code." })
 */
export class OperatorUpdate {
  @IsOptionalNotNull()
  @SizedText(TEXT_MAX_BYTES)
  instructions?: string

  @IsOptionalNotNull()
  @NonEmptyText(64)
  name?: string

  @IsOptional()
  @ProfilePictureUrl()
  profilePictureUrl?: string | null
}
