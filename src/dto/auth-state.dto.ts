import { IsNotEmpty, IsString } from "class-validator"
import { MaxLength, StorableText } from "./validators"

/**
 * A new OAuth `state` (unique) and the URL to send the user to when the provider calls back.
 *
 * @example
 * const create = await parseDto(AuthStateCreate, { state, destinationUrl: "/dashboard" })
 */
export class AuthStateCreate {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @StorableText()
  state!: string

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @StorableText()
  destinationUrl!: string
}
