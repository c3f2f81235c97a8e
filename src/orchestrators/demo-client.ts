import type { CompletionRequest } from "../clients/llm-client"
import { ScriptedClient } from "../clients/scripted-client"
import { LlmClientError } from "../errors"
import type { ConcreteMessage } from "../messages/concrete-message"
import { PlannedComponents } from "../messages/planned-components"
import { ProjectFile } from "../messages/project-file"
import { Summary } from "../messages/summary"
import {
  SOFTWARE_QUERY_SECTIONS,
  parseQuerySections,
  unfenced,
  type QuerySection,
} from "./query-sections"

const FILE_NAME = /^\s*`?([A-Za-z0-9_][\w./-]*\.[A-Za-z0-9]+)`?/

/**
 * A `ScriptedClient` that plays the executive and the developer of a `SoftwareOrchestrator`
 * without a model: for any prompt it plans a small "hello world" project (`index.html` and
 * `README.md`), writes each file and summarises them. Every answer is computed from the request
 * (the prompt and the component asked for), so the same prompt always gives the same project.
 * It answers `PlannedComponents`, `ProjectFile` and `Summary` requests; any other type is an
 * `LlmClientError`. What `npm start` runs.
 *
 * @example
 * const orchestrator = new SoftwareOrchestrator({ client: demoClient(), saveMessages: true })
 * const result = await orchestrator.run("Build a hello world web page")
 * result.files.map((file) => file.fileName) // ["index.html", "README.md"]
 */
export function demoClient(): ScriptedClient {
  return new ScriptedClient((request) => demoAnswer(request))
}

function demoAnswer(request: CompletionRequest): ConcreteMessage {
  const query = [...request.messages].reverse().find((message) => message.role === "user")
  const sections = parseQuerySections(query?.content ?? "")
  const body = (title: string): string | undefined =>
    sections.find((section) => section.title === title)?.body
  const title = firstLine(body(SOFTWARE_QUERY_SECTIONS.project) ?? query?.content ?? "")
  const files = writtenFiles(sections)

  if (request.responseType === PlannedComponents) {
    return new PlannedComponents({
      components: [
        `index.html: a web page saying "Hello, world!" that shows the request: ${title}`,
        "README.md: what the project is, its files and how to open it",
      ],
    })
  }
  if (request.responseType === ProjectFile) {
    const component = body(SOFTWARE_QUERY_SECTIONS.component) ?? ""
    const planned = (body(SOFTWARE_QUERY_SECTIONS.plan) ?? "")
      .split("\n")
      .map((line) => fileNameOf(line.replace(/^\s*-\s*/, "")))
      .filter((name): name is string => name !== undefined)
    const fileName = fileNameOf(component) ?? `component-${files.length + 1}.txt`
    return new ProjectFile({ fileName, fileContents: contentsOf(fileName, title, planned) })
  }
  if (request.responseType === Summary) {
    return new Summary({ summary: files.map((file) => `${file.name}: ${describe(file)}`) })
  }
  throw new LlmClientError(
    `The demo client answers PlannedComponents, ProjectFile and Summary requests, not ${request.responseType.name}`,
    { reason: "refusal" },
  )
}

function firstLine(text: string): string {
  const line = text
    .split("\n")
    .map((part) => part.replace(/\s+/g, " ").trim())
    .find((part) => part !== "")
  return line ?? "Hello world"
}

function fileNameOf(component: string): string | undefined {
  return FILE_NAME.exec(component)?.[1]
}

function writtenFiles(sections: readonly QuerySection[]): { name: string; contents: string }[] {
  const prefix = SOFTWARE_QUERY_SECTIONS.filePrefix
  return sections
    .filter((section) => section.title.startsWith(prefix))
    .map((section) => ({
      name: section.title.slice(prefix.length),
      contents: unfenced(section.body),
    }))
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  )
}

function contentsOf(fileName: string, title: string, planned: readonly string[]): string {
  if (fileName.endsWith(".html")) {
    return [
      "<!doctype html>",
      '<html lang="en">',
      "  <head>",
      '    <meta charset="utf-8" />',
      "    <title>Hello, world!</title>",
      "  </head>",
      "  <body>",
      "    <h1>Hello, world!</h1>",
      `    <p>${escapeHtml(title)}</p>`,
      "  </body>",
      "</html>",
      "",
    ].join("\n")
  }
  if (fileName.endsWith(".md")) {
    return [
      `# ${title}`,
      "",
      "A hello world project written by Concrete's demo executive and developer.",
      "",
      "## Files",
      "",
      ...planned.map((name) => `- \`${name}\``),
      "",
      "Open `index.html` in a browser to see the page.",
      "",
    ].join("\n")
  }
  return `${title}\n`
}

function describe(file: { name: string; contents: string }): string {
  const lines = file.contents.replace(/\n$/, "").split("\n").length
  if (file.name.endsWith(".html")) {
    return `an HTML page with the heading "Hello, world!" and the request below it (${lines} lines).`
  }
  if (file.name.endsWith(".md")) {
    return `a README naming the project and its files and saying how to open it (${lines} lines).`
  }
  return `a text file restating the request (${lines} lines).`
}
