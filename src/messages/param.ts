import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"

/**
 * One named parameter of a tool call.
 *
 * @example
 * new Param({ name: "path", value: "src/index.ts" })
 */
export class Param extends ConcreteMessage {
  static override readonly messageType = "param"
  static override readonly fields: MessageFields<Param> = {
    name: field.string("Name of the parameter"),
    value: field.string("Value of the parameter"),
  }

  name!: string
  value!: string

  constructor(init?: MessageData<Param>) {
    super()
    this.assign(init)
  }
}
