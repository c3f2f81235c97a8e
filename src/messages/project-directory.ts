import { Type } from "class-transformer"
import { ConcreteMessage } from "./concrete-message"
import { field, type MessageData, type MessageFields } from "./message-field"
import { ProjectFile } from "./project-file"

/**
 * A finished project: its name and every file in it.
 *
 * @example
 * new ProjectDirectory({
 *   projectName: "hello-world",
 *   files: [new ProjectFile({ fileName: "index.html", fileContents: "<h1>Hello</h1>" })],
 * })
 */
export class ProjectDirectory extends ConcreteMessage {
  static override readonly messageType = "projectdirectory"
  static override readonly fields: MessageFields<ProjectDirectory> = {
    projectName: field.string("Name of the project directory"),
    files: field.array(
      field.message(() => ProjectFile),
      "The files of the project; each item is one file",
    ),
  }

  projectName!: string

  @Type(() => ProjectFile)
  files!: ProjectFile[]

  constructor(init?: MessageData<ProjectDirectory>) {
    super()
    this.assign(init)
  }
}
