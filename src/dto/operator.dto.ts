import { IsNotEmpty, IsOptional, IsString, IsUrl, IsUUID } from "class-validator"
import { PROFILE_PICTURE_URL_LENGTH } from "../mixins/profile-picture.mixin"
import {
  IsOptionalNotNull,
  MaxLength,
  MaxUtf8Bytes,
  StorableText,
  PROFILE_PICTURE_URL_OPTIONS,
  TEXT_MAX_BYTES,
} from "./validators"

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
  @IsString()
  @MaxUtf8Bytes(TEXT_MAX_BYTES)
  @StorableText()
  instructions!: string

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @StorableText()
  name!: string

  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  @StorableText()
  title!: string

  @IsUUID()
  orchestratorId!: string

  @IsOptional()
  @IsString()
  @MaxLength(PROFILE_PICTURE_URL_LENGTH)
  @IsUrl(PROFILE_PICTURE_URL_OPTIONS)
  @StorableText()
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
  @IsString()
  @MaxUtf8Bytes(TEXT_MAX_BYTES)
  @StorableText()
  instructions?: string

  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @StorableText()
  name?: string

  @IsOptional()
  @IsString()
  @MaxLength(PROFILE_PICTURE_URL_LENGTH)
  @IsUrl(PROFILE_PICTURE_URL_OPTIONS)
  @StorableText()
  profilePictureUrl?: string | null
}
