import { IsEmail, IsNotEmpty, IsOptional, IsString } from "class-validator"
import { MaxLength, StorableText } from "./validators"
import { ProfilePictureUrl, Text } from "./field-rules"

/**
 * A new user: an email (unique) and optionally a name and a profile picture URL.
 *
 * @example
 * const create = await parseDto(UserCreate, { email: "ada@example.com", firstName: "Ada" })
 */
export class UserCreate {
  @IsOptional()
  @Text(64)
  firstName?: string | null

  @IsOptional()
  @Text(64)
  lastName?: string | null

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @IsEmail()
  @StorableText()
  email!: string

  @IsOptional()
  @ProfilePictureUrl()
  profilePictureUrl?: string | null
}

/**
 * Changes to a user: its names and profile picture (`null` clears one). The email cannot change.
 *
 * @example
 * const update = await parseDto(UserUpdate, { lastName: "Lovelace", profilePictureUrl: null })
 */
export class UserUpdate {
  @IsOptional()
  @Text(64)
  firstName?: string | null

  @IsOptional()
  @Text(64)
  lastName?: string | null

  @IsOptional()
  @ProfilePictureUrl()
  profilePictureUrl?: string | null
}
