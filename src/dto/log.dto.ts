import { IsNotEmpty, IsString } from "class-validator"
import { LONG_TEXT_MAX_BYTES, MaxLength, MaxUtf8Bytes, StorableText } from "./validators"

/**
 * A log line: its level (`"info"`, `"error"`, …, at most 10 characters) and its message.
 *
 * @example
 * const create = await parseDto(LogCreate, { level: "info", message: "Project finished" })
 */
export class LogCreate {
  @IsString()
  @IsNotEmpty()
  @MaxLength(10)
  @StorableText()
  level!: string

  @IsString()
  @MaxUtf8Bytes(LONG_TEXT_MAX_BYTES)
  @StorableText()
  message!: string
}
