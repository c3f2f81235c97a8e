import { IsNotEmpty, IsString, IsUUID } from "class-validator"
import { MaxLength, StorableText } from "./validators"

/**
 * A user's OAuth refresh token (one per user).
 *
 * @example
 * const create = await parseDto(AuthTokenCreate, { refreshToken, userId: user.id })
 */
export class AuthTokenCreate {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @StorableText()
  refreshToken!: string

  @IsUUID()
  userId!: string
}
