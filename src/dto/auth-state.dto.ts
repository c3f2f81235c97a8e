import { NonEmptyText } from "./field-rules"

/**
 * A new OAuth `state` (unique) and the URL to send the user to when the provider calls back.
 *
 * @example
 * const create = await parseDto(AuthStateCreate, { state, destinationUrl: "/dashboard" })
 */
export class AuthStateCreate {
  @NonEmptyText(128)
  state!: string

  @NonEmptyText(128)
  destinationUrl!: string
}
