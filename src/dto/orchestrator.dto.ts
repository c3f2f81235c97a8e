import { IsNotEmpty, IsString, IsUUID } from "class-validator"
import { IsOptionalNotNull, MaxLength, StorableText } from "./validators"

/**
 * A new orchestrator of a user: its type (`"software"`, …) and a name unique for that user.
 *
 * @example
 * const create = await parseDto(OrchestratorCreate, { type: "software", name: "Acme", userId })
 */
export class OrchestratorCreate {
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  @StorableText()
  type!: string

  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  @StorableText()
  name!: string

  @IsUUID()
  userId!: string
}

/**
 * Changes to an orchestrator: its name. Its owner (`userId`) cannot change.
 *
 * @example
 * const update = await parseDto(OrchestratorUpdate, { name: "Acme 2" })
 */
export class OrchestratorUpdate {
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  @StorableText()
  name?: string
}
