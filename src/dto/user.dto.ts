import { IsEmail, IsNotEmpty, IsOptional, IsString, IsUrl } from "class-validator"
import { PROFILE_PICTURE_URL_LENGTH } from "../mixins/profile-picture.mixin"
import { MaxLength, StorableText, PROFILE_PICTURE_URL_OPTIONS } from "./validators"

/**
 * A new user: an email (unique) and optionally a name and a profile picture URL.
 *
 * @example
 * const create = await parseDto(UserCreate, { email: "ada@example.com", firstName: "Ada" })
 */
export class UserCreate {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @StorableText()
  firstName?: string | null

  @IsOptional()
  @IsString()
  @MaxLength(64)
  @StorableText()
  lastName?: string | null

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @IsEmail()
  @StorableText()
  email!: string

  @IsOptional()
  @IsString()
  @MaxLength(PROFILE_PICTURE_URL_LENGTH)
  @IsUrl(PROFILE_PICTURE_URL_OPTIONS)
  @StorableText()
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
  @IsString()
  @MaxLength(64)
  @StorableText()
  firstName?: string | null

  @IsOptional()
  @IsString()
  @MaxLength(64)
  @StorableText()
  lastName?: string | null

  @IsOptional()
  @IsString()
  @MaxLength(PROFILE_PICTURE_URL_LENGTH)
  @IsUrl(PROFILE_PICTURE_URL_OPTIONS)
  @StorableText()
  profilePictureUrl?: string | null
}
