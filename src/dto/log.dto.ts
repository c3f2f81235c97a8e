import { LONG_TEXT_MAX_BYTES } from "./validators"
import { NonEmptyText, SizedText } from "./field-rules"

/**
 * A log line: its level (`"info"`, `"error"`, …, at most 10 characters) and its message.
 *
 * @example
 * const create = await parseDto(LogCreate, { level: "info", message: "Project finished" })
 */
export class LogCreate {
  @NonEmptyText(10)
  level!: string

  @SizedText(LONG_TEXT_MAX_BYTES)
  message!: string
}
