import { IsNotEmpty, IsNumber, IsString, IsUUID, Max, Min } from "class-validator"
import { IsOptionalNotNull, MaxLength, StorableText } from "./validators"

/** Lowest and highest LLM temperature a client accepts. */
export const TEMPERATURE_RANGE = { min: 0, max: 2 } as const

const FINITE = { allowNaN: false, allowInfinity: false }

/**
 * A new LLM client of an operator: provider (default `"OpenAI"`), model (default `"gpt-4o-mini"`)
 * and temperature (default 0, at most 2). `operatorId` must be an operator of `orchestratorId`.
 *
 * @example
 * const create = await parseDto(ClientCreate, { model: "gpt-4o", orchestratorId, operatorId })
 */
export class ClientCreate {
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  @StorableText()
  client?: string

  @IsOptionalNotNull()
  @IsNumber(FINITE)
  @Min(TEMPERATURE_RANGE.min)
  @Max(TEMPERATURE_RANGE.max)
  temperature?: number

  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  @StorableText()
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
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  @StorableText()
  client?: string

  @IsOptionalNotNull()
  @IsNumber(FINITE)
  @Min(TEMPERATURE_RANGE.min)
  @Max(TEMPERATURE_RANGE.max)
  temperature?: number

  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  @StorableText()
  model?: string
}
