import { IsUUID } from "class-validator"
import { NonEmptyText } from "./field-rules"

/**
 * A user's OAuth refresh token (one per user).
 *
 * @example
 * const create = await parseDto(AuthTokenCreate, { refreshToken, userId: user.id })
 */
export class AuthTokenCreate {
  @NonEmptyText(128)
  refreshToken!: string

  @IsUUID()
  userId!: string
}
