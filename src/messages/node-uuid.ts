import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"

/**
 * A reference to a node of a repository tree by its id.
 *
 * @example
 * new NodeUUID({ nodeUuid: "0192f0c4-8a4e-7c41-9d2b-3f6a1e5b7c90" })
 */
export class NodeUUID extends ConcreteMessage {
  static override readonly messageType = "nodeuuid"
  static override readonly fields: MessageFields<NodeUUID> = {
    nodeUuid: field.string("UUID of the node"),
  }

  nodeUuid!: string

  constructor(init?: MessageData<NodeUUID>) {
    super()
    this.assign(init)
  }
}
