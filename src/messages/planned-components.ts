import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"

/**
 * An executive's plan: the components a developer should write, in order.
 *
 * @example
 * new PlannedComponents({ components: ["index.html with a greeting", "style.css"] })
 */
export class PlannedComponents extends ConcreteMessage {
  static override readonly messageType = "plannedcomponents"
  static override readonly fields: MessageFields<PlannedComponents> = {
    components: field.array(field.string(), "List of planned components"),
  }

  components!: string[]

  constructor(init?: MessageData<PlannedComponents>) {
    super()
    this.assign(init)
  }
}
