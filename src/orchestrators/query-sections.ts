/** One titled part of a query: "Project", "Component to write", "File: index.html", … */
export interface QuerySection {
  readonly title: string
  readonly body: string
}

const HEADING = /^## (.+)$/
const FENCE = /^(`{3,})/

/**
 * The text of an operator's query: an instruction, then each section as a `## Title` line
 * followed by its body. Models read it as Markdown; `parseQuerySections` reads it back.
 *
 * @example
 * formatQuery("Plan the components of this project.", [{ title: "Project", body: "Hello world" }])
 * // "Plan the components of this project.\n\n## Project\nHello world"
 */
export function formatQuery(instruction: string, sections: readonly QuerySection[]): string {
  const parts = [instruction.trim()]
  for (const section of sections) parts.push(`## ${section.title}\n${section.body.trim()}`)
  return parts.join("\n\n")
}

/**
 * The sections of a query made by `formatQuery`, in order (the instruction before the first
 * heading is left out). A `## ` line inside a fenced code block (see `fenced`) is part of the
 * body, not a heading.
 *
 * @example
 * parseQuerySections("Plan.\n\n## Project\nHello world") // [{ title: "Project", body: "Hello world" }]
 */
export function parseQuerySections(query: string): QuerySection[] {
  const sections: { title: string; lines: string[] }[] = []
  let fence: string | undefined
  for (const line of query.split("\n")) {
    const ticks = FENCE.exec(line)?.[1]
    if (fence === undefined) {
      const heading = HEADING.exec(line)
      if (heading) {
        sections.push({ title: (heading[1] ?? "").trim(), lines: [] })
        continue
      }
      if (ticks !== undefined) fence = ticks
    } else if (ticks !== undefined && ticks.length >= fence.length && line.trim() === ticks) {
      fence = undefined
    }
    sections.at(-1)?.lines.push(line)
  }
  return sections.map((section) => ({
    title: section.title,
    body: section.lines.join("\n").trim(),
  }))
}

/**
 * `text` as a Markdown fenced code block whose fence is longer than any run of backticks in it,
 * so nothing in `text` can end the block or start a section. `unfenced` gives `text` back.
 *
 * @example
 * fenced("# Title\n") // "```\n# Title\n\n```"
 */
export function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((run) => run[0].length))
  const fence = "`".repeat(longest + 1)
  return `${fence}\n${text}\n${fence}`
}

/**
 * The text inside a block made by `fenced` (or `block` itself when it is not one).
 *
 * @example
 * unfenced("```\n# Title\n\n```") // "# Title\n"
 */
export function unfenced(block: string): string {
  const lines = block.split("\n")
  const open = FENCE.exec(lines[0] ?? "")?.[1]
  if (open === undefined || lines.length < 2 || lines.at(-1)?.trim() !== open) return block
  return lines.slice(1, -1).join("\n")
}

/** The section titles of the queries an `Executive` and a `Developer` are sent. */
export const SOFTWARE_QUERY_SECTIONS = {
  /** The user's prompt. */
  project: "Project",
  /** The executive's plan, one "- component" line each. */
  plan: "Planned components",
  /** The one component the developer writes now. */
  component: "Component to write",
  /** A file written so far: "File: <name>", its contents fenced as the body. */
  filePrefix: "File: ",
} as const

/**
 * The sections holding `files`: one "File: <name>" section each, with the contents as a fenced
 * code block.
 *
 * @example
 * fileSections([new ProjectFile({ fileName: "a.txt", fileContents: "hi" })])
 * // [{ title: "File: a.txt", body: "```\nhi\n```" }]
 */
export function fileSections(
  files: readonly { readonly fileName: string; readonly fileContents: string }[],
): QuerySection[] {
  return files.map((file) => ({
    title: `${SOFTWARE_QUERY_SECTIONS.filePrefix}${file.fileName}`,
    body: fenced(file.fileContents),
  }))
}
