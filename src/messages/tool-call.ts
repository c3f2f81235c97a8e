import { Type } from "class-transformer"
import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"
import { Param } from "./param"

/**
 * A request to call a tool (the original package's `Tool` message, so its registry key is
 * "tool").
 *
 * @example
 * new ToolCall({
 *   toolName: "github",
 *   toolMethod: "createRepository",
 *   toolParameters: [new Param({ name: "name", value: "hello-world" })],
 * })
 */
export class ToolCall extends ConcreteMessage {
  static override readonly messageType = "tool"
  static override readonly fields: MessageFields<ToolCall> = {
    toolName: field.string("Name of the tool"),
    toolMethod: field.string("Method of the tool to call"),
    toolParameters: field.array(
      field.message(() => Param),
      "Parameters of the call, one item per parameter",
    ),
  }

  toolName!: string
  toolMethod!: string

  @Type(() => Param)
  toolParameters!: Param[]

  constructor(init?: MessageData<ToolCall>) {
    super()
    this.assign(init)
  }
}
