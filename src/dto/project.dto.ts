import { IsOptional, IsUUID } from "class-validator"
import { IsOptionalNotNull } from "./validators"
import { NonEmptyText } from "./field-rules"

/**
 * A new project of an orchestrator: a name unique within it, and optionally its executive and
 * developer (operators of the same orchestrator). Direct-message projects are made by
 * `createOperator`, not through this class.
 *
 * @example
 * const create = await parseDto(ProjectCreate, { name: "Landing page", orchestratorId })
 */
export class ProjectCreate {
  @NonEmptyText(64)
  name!: string

  @IsUUID()
  orchestratorId!: string

  @IsOptional()
  @IsUUID()
  executiveId?: string | null

  @IsOptional()
  @IsUUID()
  developerId?: string | null
}

/**
 * Changes to a project: its name, executive and developer (`null` clears one). Its orchestrator
 * cannot change.
 *
 * @example
 * const update = await parseDto(ProjectUpdate, { name: "Landing page v2", developerId: null })
 */
export class ProjectUpdate {
  @IsOptionalNotNull()
  @NonEmptyText(64)
  name?: string

  @IsOptional()
  @IsUUID()
  executiveId?: string | null

  @IsOptional()
  @IsUUID()
  developerId?: string | null
}
