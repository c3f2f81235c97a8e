import {
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
  type ValidationOptions,
  buildMessage,
  MAX_LENGTH,
} from "class-validator"

/** Most UTF-8 bytes a message's JSON content may have: 12 MiB. */
export const MESSAGE_CONTENT_MAX_BYTES = 12 * 1024 * 1024

/**
 * Most UTF-8 bytes of a long-text column (`LongTextColumn`: LONGTEXT on MySQL/MariaDB), kept
 * under MySQL/MariaDB's default 16 MiB `max_allowed_packet` so one row always fits a statement.
 */
export const LONG_TEXT_MAX_BYTES = 12 * 1024 * 1024

/** Most UTF-8 bytes of a plain `text` column: MySQL/MariaDB's `TEXT` holds 65,535 bytes. */
export const TEXT_MAX_BYTES = 65_535

/** Name under which `StorableText` is registered with class-validator. */
export const STORABLE_TEXT = "storableText"

/** Name under which `MaxUtf8Bytes` is registered with class-validator. */
export const MAX_UTF8_BYTES = "maxUtf8Bytes"

/** Name under which `ExactlyOneOf` is registered with class-validator. */
export const EXACTLY_ONE_OF = "exactlyOneOf"

/**
 * Rejects a string the databases would not store as given: one containing the NUL character
 * (U+0000), which PostgreSQL refuses in text, or an unpaired UTF-16 surrogate, which every
 * driver replaces with U+FFFD on the way in. A value that is not a string passes (the type check
 * says what is wrong with it).
 *
 * @example
 * class Note {
 *   @IsString() @StorableText() text!: string
 * }
 */
export function StorableText(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: STORABLE_TEXT,
      validator: {
        validate: (value: unknown) =>
          typeof value !== "string" || (!value.includes("\u0000") && isWellFormed(value)),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must not contain the NUL character (\\u0000) or an unpaired surrogate`,
          validationOptions,
        ),
      },
    },
    validationOptions,
  )
}

// String.prototype.isWellFormed (Node 20) is not in the ES2023 library this package compiles with.
function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed()
}

/**
 * class-validator's `MaxLength`, counting characters as PostgreSQL and MySQL/MariaDB do: in
 * Unicode code points. (class-validator's own, from validator.js, does not count the variation
 * selectors U+FE0E/U+FE0F, so `"❤️".repeat(64)`, 128 code points, would pass a 64-character
 * limit that a varchar(64) then refuses.) Registered under the same name, `maxLength`, with the
 * same constraint and message; a value that is not a string fails, as with class-validator's.
 *
 * @example
 * class Named {
 *   @IsString() @MaxLength(64) name!: string
 * }
 */
export function MaxLength(max: number, validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: MAX_LENGTH,
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === "string" && fitsCodePoints(value, max),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be shorter than or equal to $constraint1 characters`,
          validationOptions,
        ),
      },
    },
    validationOptions,
  )
}

/**
 * The length of `text` in Unicode code points, as PostgreSQL and MySQL count characters.
 *
 * @example
 * codePoints("🤖a") // 2, where "🤖a".length is 3
 */
export function codePoints(text: string): number {
  let count = 0
  for (const _ of text) count += 1
  return count
}

function fitsCodePoints(value: string, max: number): boolean {
  // A code point is one or two UTF-16 code units.
  if (value.length <= max) return true
  if (value.length > max * 2) return false
  return codePoints(value) <= max
}

/**
 * Rejects a string longer than `max` bytes once encoded as UTF-8. A value that is not a string
 * passes (the type check says what is wrong with it).
 *
 * @example
 * class Upload {
 *   @IsString() @MaxUtf8Bytes(1024) body!: string
 * }
 */
export function MaxUtf8Bytes(
  max: number,
  validationOptions?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: MAX_UTF8_BYTES,
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value !== "string" || fitsUtf8Bytes(value, max),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be at most $constraint1 bytes in UTF-8`,
          validationOptions,
        ),
      },
    },
    validationOptions,
  )
}

/**
 * Whether `value` takes at most `max` bytes in UTF-8 (without encoding it when obviously so).
 *
 * @example
 * fitsUtf8Bytes("é", 1) // false: "é" is two bytes
 */
export function fitsUtf8Bytes(value: string, max: number): boolean {
  // A UTF-16 code unit becomes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 units).
  if (value.length * 3 <= max) return true
  if (value.length > max) return false
  return Buffer.byteLength(value, "utf8") <= max
}

/**
 * May be left out (`undefined`), but not set to `null`: for optional input whose column is NOT
 * NULL (an Update's name, a Create's field with a default). `null` is then checked by the other
 * validators and fails them, instead of reaching the database.
 *
 * @example
 * class RenameInput {
 *   @IsOptionalNotNull() @IsString() name?: string
 * }
 */
export function IsOptionalNotNull(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, validationOptions)
}

/**
 * Validation options that run a check only when the value is set (neither `undefined` nor
 * `null`), for the properties that carry `ExactlyOneOf` and so cannot use `@IsOptional()`
 * (which would skip `ExactlyOneOf` as well when the property is left out).
 *
 * @example
 * class Sender {
 *   @ExactlyOneOf(["userId", "operatorId"]) @IsUUID(undefined, WHEN_SET) userId?: string | null
 * }
 */
export const WHEN_SET: ValidationOptions = {
  validateIf: (_object: unknown, value: unknown) => isSet(value),
}

/**
 * Exactly one of `properties` must be set (neither `undefined` nor `null`). Put it on each of
 * them, with their other checks made conditional by `WHEN_SET`: when none or several are set,
 * each of them reports the problem, naming all of them.
 *
 * @example
 * class Sender {
 *   @ExactlyOneOf(["userId", "operatorId"]) @IsUUID(undefined, WHEN_SET) userId?: string | null
 *   @ExactlyOneOf(["userId", "operatorId"]) @IsUUID(undefined, WHEN_SET) operatorId?: string | null
 * }
 */
export function ExactlyOneOf(
  properties: readonly string[],
  validationOptions?: ValidationOptions,
): PropertyDecorator {
  const names = joinNames(properties)
  const setIn = (object: unknown): number => {
    const record = (object ?? {}) as Record<string, unknown>
    return properties.filter((name) => isSet(record[name])).length
  }
  return ValidateBy(
    {
      name: EXACTLY_ONE_OF,
      constraints: [properties],
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) => setIn(args?.object) === 1,
        defaultMessage: buildMessage((_each, args) => {
          const count = setIn(args?.object)
          const pair = properties.length === 2
          const given =
            count === 0
              ? `${pair ? "neither" : "none"} was given`
              : `${pair ? "both" : count} were given`
          return `exactly one of ${names} must be given, but ${given}`
        }, validationOptions),
      },
    },
    validationOptions,
  )
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null
}

function joinNames(properties: readonly string[]): string {
  if (properties.length <= 2) return properties.join(" and ")
  return `${properties.slice(0, -1).join(", ")} and ${properties[properties.length - 1]!}`
}

/** What a profile picture URL must look like: an absolute http(s) URL (a host without TLD too). */
export const PROFILE_PICTURE_URL_OPTIONS = {
  protocols: ["http", "https"],
  require_protocol: true,
  require_tld: false,
}
