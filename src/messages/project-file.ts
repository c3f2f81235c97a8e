import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"

/**
 * One file of a project: its path relative to the project root and its contents.
 *
 * @example
 * new ProjectFile({ fileName: "index.html", fileContents: "<h1>Hello, world</h1>" })
 */
export class ProjectFile extends ConcreteMessage {
  static override readonly messageType = "projectfile"
  static override readonly fields: MessageFields<ProjectFile> = {
    fileName: field.string("A file path relative to the project root"),
    fileContents: field.string("The contents of the file"),
  }

  fileName!: string
  fileContents!: string

  constructor(init?: MessageData<ProjectFile>) {
    super()
    this.assign(init)
  }
}
