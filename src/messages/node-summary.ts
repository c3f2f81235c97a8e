import { Type } from "class-transformer"
import { ChildNodeSummary } from "./child-node-summary"
import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"

/**
 * The summary of a node of a repository tree, with a short summary of each of its children.
 *
 * @example
 * new NodeSummary({
 *   nodeName: "concrete-db",
 *   overallSummary: "A database layer",
 *   childrenSummaries: [new ChildNodeSummary({ childName: "src", childSummary: "Source" })],
 * })
 */
export class NodeSummary extends ConcreteMessage {
  static override readonly messageType = "nodesummary"
  static override readonly fields: MessageFields<NodeSummary> = {
    nodeName: field.string("Name of the node"),
    overallSummary: field.string("Summary of the node"),
    childrenSummaries: field.array(
      field.message(() => ChildNodeSummary),
      "A brief summary of each child node",
    ),
  }

  nodeName!: string
  overallSummary!: string

  @Type(() => ChildNodeSummary)
  childrenSummaries!: ChildNodeSummary[]

  constructor(init?: MessageData<NodeSummary>) {
    super()
    this.assign(init)
  }
}
