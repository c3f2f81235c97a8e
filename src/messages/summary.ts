import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"

/**
 * A summary of work done, one unbroken summary per item.
 *
 * @example
 * new Summary({ summary: ["index.html greets the visitor", "style.css centres the text"] })
 */
export class Summary extends ConcreteMessage {
  static override readonly messageType = "summary"
  static override readonly fields: MessageFields<Summary> = {
    summary: field.array(
      field.string(),
      "A list of component summaries; each item is one unbroken summary",
    ),
  }

  summary!: string[]

  constructor(init?: MessageData<Summary>) {
    super()
    this.assign(init)
  }
}
