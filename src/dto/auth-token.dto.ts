import { IsNotEmpty, IsString, IsUUID } from "class-validator"
import { MaxLength, NoNulCharacter } from "./validators"

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
  @NoNulCharacter()
  refreshToken!: string

  @IsUUID()
  userId!: string
}
