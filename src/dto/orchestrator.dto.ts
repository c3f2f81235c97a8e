import { IsUUID } from "class-validator"
import { IsOptionalNotNull } from "./validators"
import { NonEmptyText } from "./field-rules"

/**
 * A new orchestrator of a user: its type (`"software"`, …) and a name unique for that user.
 *
 * @example
 * const create = await parseDto(OrchestratorCreate, { type: "software", name: "Acme", userId })
 */
export class OrchestratorCreate {
  @NonEmptyText(32)
  type!: string

  @NonEmptyText(32)
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
  @NonEmptyText(32)
  name?: string
}
