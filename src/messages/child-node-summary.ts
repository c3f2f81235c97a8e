import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"

/**
 * The summary of one child of a node (a file or folder of a repository tree).
 *
 * @example
 * new ChildNodeSummary({ childName: "src", childSummary: "The package's source code" })
 */
export class ChildNodeSummary extends ConcreteMessage {
  static override readonly messageType = "childnodesummary"
  static override readonly fields: MessageFields<ChildNodeSummary> = {
    childName: field.string("Name of the child node"),
    childSummary: field.string("Summary of the child node"),
  }

  childName!: string
  childSummary!: string

  constructor(init?: MessageData<ChildNodeSummary>) {
    super()
    this.assign(init)
  }
}
