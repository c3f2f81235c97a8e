import type { LlmClient } from "../clients/llm-client"
import { PlannedComponents } from "../messages/planned-components"
import type { ProjectFile } from "../messages/project-file"
import { Summary } from "../messages/summary"
import { AgentOperator, type AgentOperatorOptions, type AnswerOptions } from "./agent-operator"
import { definedOnly } from "./defined-only"
import { SOFTWARE_QUERY_SECTIONS, fileSections, formatQuery } from "./query-sections"

/** The executive's system prompt unless another is given. */
export const EXECUTIVE_INSTRUCTIONS = [
  "You are an expert executive software developer.",
  "You break a software project down into components a developer can write one at a time:",
  "one component per file, each starting with the file's path relative to the project root,",
  "followed by what the file must contain. Keep the plan minimal and ordered so that each",
  "component only depends on components before it. When the work is done, you summarise",
  "each file in one unbroken sentence.",
].join(" ")

/** Options of an `Executive`: a client, and any of name, title and instructions to override. */
export type ExecutiveOptions = { readonly client: LlmClient } & Partial<
  Omit<AgentOperatorOptions, "client">
>

/**
 * The operator who plans a software project and summarises it: name "Executive", title
 * "executive" and `EXECUTIVE_INSTRUCTIONS` unless given.
 *
 * @example
 * const executive = new Executive({ client })
 * const plan = await executive.planComponents("Build a hello world web page")
 * plan.components // ["index.html: …", "README.md: …"]
 */
export class Executive extends AgentOperator {
  constructor(options: ExecutiveOptions) {
    super({
      name: "Executive",
      title: "executive",
      instructions: EXECUTIVE_INSTRUCTIONS,
      ...definedOnly(options),
      client: options.client,
    })
  }

  /** Asks for the components (one per file) that make the project `prompt` describes. */
  planComponents(prompt: string, options?: AnswerOptions): Promise<PlannedComponents> {
    const query = formatQuery(
      "Plan the components of the project below: one component per file, each starting with " +
        "the file's path relative to the project root, then what the file must contain.",
      [{ title: SOFTWARE_QUERY_SECTIONS.project, body: prompt }],
    )
    return this.answer(query, PlannedComponents, options)
  }

  /** Asks for one summary per file written for the project `prompt` describes, in order. */
  summarize(
    prompt: string,
    files: readonly ProjectFile[],
    options?: AnswerOptions,
  ): Promise<Summary> {
    const query = formatQuery(
      "Summarise the files written for the project below: one unbroken summary per file, in " +
        "the order given.",
      [{ title: SOFTWARE_QUERY_SECTIONS.project, body: prompt }, ...fileSections(files)],
    )
    return this.answer(query, Summary, options)
  }
}
