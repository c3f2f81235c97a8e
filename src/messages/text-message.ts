import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"

/**
 * Free text: a user's prompt or an operator's plain answer.
 *
 * @example
 * new TextMessage({ text: "Build a hello world page" }).toContent() // '{"text":"Build a hello world page"}'
 */
export class TextMessage extends ConcreteMessage {
  static override readonly messageType = "textmessage"
  static override readonly fields: MessageFields<TextMessage> = {
    text: field.string("The text"),
  }

  text!: string

  constructor(init?: MessageData<TextMessage>) {
    super()
    this.assign(init)
  }
}
