import type { LlmClient } from "../clients/llm-client"
import { ProjectFile } from "../messages/project-file"
import { AgentOperator, type AgentOperatorOptions, type AnswerOptions } from "./agent-operator"
import { definedOnly } from "./defined-only"
import { SOFTWARE_QUERY_SECTIONS, fileSections, formatQuery } from "./query-sections"

/** The developer's system prompt unless another is given. */
export const DEVELOPER_INSTRUCTIONS = [
  "You are an expert software developer.",
  "You write one file of a project at a time, following the plan and the files already",
  "written. You answer with the file's path relative to the project root and its complete",
  "contents: working code that follows best practices, with no placeholders.",
].join(" ")

/** Options of a `Developer`: a client, and any of name, title and instructions to override. */
export type DeveloperOptions = { readonly client: LlmClient } & Partial<
  Omit<AgentOperatorOptions, "client">
>

/** What a developer needs to write one component. */
export interface ComponentTask {
  /** The user's prompt: what the whole project is. */
  readonly prompt: string
  /** The executive's plan. */
  readonly components: readonly string[]
  /** The component to write now (one of `components`). */
  readonly component: string
  /** The files written so far, in order. */
  readonly files: readonly ProjectFile[]
}

/**
 * The operator who writes a software project's files, one component at a time: name
 * "Developer", title "developer" and `DEVELOPER_INSTRUCTIONS` unless given.
 *
 * @example
 * const developer = new Developer({ client })
 * const file = await developer.implementComponent({
 *   prompt: "Build a hello world web page",
 *   components: ["index.html: the page"],
 *   component: "index.html: the page",
 *   files: [],
 * })
 * file.fileName // "index.html"
 */
export class Developer extends AgentOperator {
  constructor(options: DeveloperOptions) {
    super({
      name: "Developer",
      title: "developer",
      instructions: DEVELOPER_INSTRUCTIONS,
      ...definedOnly(options),
      client: options.client,
    })
  }

  /** Asks for the file implementing `task.component`. */
  implementComponent(task: ComponentTask, options?: AnswerOptions): Promise<ProjectFile> {
    const query = formatQuery(
      "Write the file for one component of the project below. Answer with the file's path " +
        "relative to the project root and its complete contents.",
      [
        { title: SOFTWARE_QUERY_SECTIONS.project, body: task.prompt },
        {
          title: SOFTWARE_QUERY_SECTIONS.plan,
          body: task.components.map((component) => `- ${component}`).join("\n"),
        },
        { title: SOFTWARE_QUERY_SECTIONS.component, body: task.component },
        ...fileSections(task.files),
      ],
    )
    return this.answer(query, ProjectFile, options)
  }
}
