import { IsNotEmpty, IsString, IsUrl } from "class-validator"
import { PROFILE_PICTURE_URL_LENGTH } from "../mixins/profile-picture.mixin"
import { MaxLength, MaxUtf8Bytes, PROFILE_PICTURE_URL_OPTIONS, StorableText } from "./validators"

// The checks a kind of field gets in every DTO that has it, so a Create class and its Update
// class state them once. Each applies its decorators as a stack of them written in this order
// would be applied (the last first): class-validator then holds the same metadata, in the same
// order, as it did for the stacks these replace.

/** Applies `decorators` as if they were written one above the other, in this order. */
export function allOf(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, propertyKey) => {
    for (let i = decorators.length - 1; i >= 0; i--) decorators[i]!(target, propertyKey)
  }
}

/** A string of at most `maxLength` characters that the databases store as given. */
export function Text(maxLength: number): PropertyDecorator {
  return allOf(IsString(), MaxLength(maxLength), StorableText())
}

/** A non-empty string of at most `maxLength` characters that the databases store as given. */
export function NonEmptyText(maxLength: number): PropertyDecorator {
  return allOf(IsString(), IsNotEmpty(), MaxLength(maxLength), StorableText())
}

/** A string of at most `maxBytes` UTF-8 bytes that the databases store as given. */
export function SizedText(maxBytes: number): PropertyDecorator {
  return allOf(IsString(), MaxUtf8Bytes(maxBytes), StorableText())
}

/** A profile picture's URL: http(s), at most the column's length. */
export function ProfilePictureUrl(): PropertyDecorator {
  return allOf(
    IsString(),
    MaxLength(PROFILE_PICTURE_URL_LENGTH),
    IsUrl(PROFILE_PICTURE_URL_OPTIONS),
    StorableText(),
  )
}
