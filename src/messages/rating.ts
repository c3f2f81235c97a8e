import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"

/**
 * A score given to a piece of work, with the reasoning behind it when there is one. An absent
 * reasoning is `null` (strict structured output has no optional properties).
 *
 * @example
 * new Rating({ rating: 8, reasoning: "Works, but has no tests" })
 * new Rating({ rating: 10 }).reasoning // null
 */
export class Rating extends ConcreteMessage {
  static override readonly messageType = "rating"
  static override readonly fields: MessageFields<Rating> = {
    rating: field.number("The score"),
    reasoning: field.nullable(field.string("Why the score was given, or null")),
  }

  rating!: number
  reasoning!: string | null

  constructor(init?: Omit<MessageData<Rating>, "reasoning"> & { reasoning?: string | null }) {
    super()
    this.reasoning = null
    this.assign(init)
    this.reasoning ??= null
  }
}
