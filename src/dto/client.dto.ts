import { IsNumber, IsUUID, Max, Min } from "class-validator"
import { IsOptionalNotNull } from "./validators"
import { allOf, NonEmptyText } from "./field-rules"

/** Lowest and highest LLM temperature a client accepts. */
export const TEMPERATURE_RANGE = { min: 0, max: 2 } as const

/** A finite number within `TEMPERATURE_RANGE`. */
const Temperature = (): PropertyDecorator =>
  allOf(
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(TEMPERATURE_RANGE.min),
    Max(TEMPERATURE_RANGE.max),
  )

/**
 * A new LLM client of an operator: provider (default `"OpenAI"`), model (default `"gpt-4o-mini"`)
 * and temperature (default 0, at most 2). `operatorId` must be an operator of `orchestratorId`.
 *
 * @example
 * const create = await parseDto(ClientCreate, { model: "gpt-4o", orchestratorId, operatorId })
 */
export class ClientCreate {
  @IsOptionalNotNull()
  @NonEmptyText(32)
  client?: string

  @IsOptionalNotNull()
  @Temperature()
  temperature?: number

  @IsOptionalNotNull()
  @NonEmptyText(32)
  model?: string

  @IsUUID()
  orchestratorId!: string

  @IsUUID()
  operatorId!: string
}

/**
 * Changes to a client: provider, model and temperature. Its operator and orchestrator cannot
 * change.
 *
 * @example
 * const update = await parseDto(ClientUpdate, { temperature: 0.7 })
 */
export class ClientUpdate {
  @IsOptionalNotNull()
  @NonEmptyText(32)
  client?: string

  @IsOptionalNotNull()
  @Temperature()
  temperature?: number

  @IsOptionalNotNull()
  @NonEmptyText(32)
  model?: string
}
