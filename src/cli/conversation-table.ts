import type { ConcreteMessage } from "../messages/concrete-message"
import "../messages/message-to-obj"
import { PlannedComponents } from "../messages/planned-components"
import { ProjectDirectory } from "../messages/project-directory"
import { ProjectFile } from "../messages/project-file"
import { Summary } from "../messages/summary"
import { TextMessage } from "../messages/text-message"
import type { ConversationRow, ConversationSender } from "./load-conversation"
import { plural } from "./plural"

/** Most characters of a content excerpt. */
export const EXCERPT_LENGTH = 60

const SENDER_LENGTH = 28

/**
 * A stored conversation as a text table, one line per message: time (UTC, milliseconds),
 * sender, type, status and an excerpt of the content. Ends with a newline.
 *
 * @example
 * io.stdout(conversationTable(await loadConversation(session, project.id)))
 * // TIME (UTC)               SENDER                TYPE         STATUS   CONTENT
 * // 2026-01-02 10:00:00.123  user@concrete.local   textmessage  working  Build a hello world web page
 */
export function conversationTable(rows: readonly ConversationRow[]): string {
  const table = [
    ["TIME (UTC)", "SENDER", "TYPE", "STATUS", "CONTENT"],
    ...rows.map(({ message, sender }) => [
      formatTime(message.createdAt),
      cut(senderLabel(sender), SENDER_LENGTH),
      message.type,
      message.status,
      contentExcerpt(message),
    ]),
  ]
  const widths = table[0]!.map((_, column) =>
    Math.max(...table.map((row) => [...(row[column] ?? "")].length)),
  )
  return table
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0, " "),
        )
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("")
}

/**
 * A time in UTC with milliseconds, as the table shows it.
 *
 * @example
 * formatTime(new Date("2026-01-02T10:00:00.123Z")) // "2026-01-02 10:00:00.123"
 */
export function formatTime(time: Date): string {
  return time.toISOString().replace("T", " ").replace("Z", "")
}

/**
 * A user's email, or an operator's "name (title)".
 *
 * @example
 * senderLabel({ kind: "operator", id, name: "Executive", title: "executive" }) // "Executive (executive)"
 */
export function senderLabel(sender: ConversationSender): string {
  if (sender.kind === "user") return sender.email ?? `user ${sender.id}`
  if (sender.name === null) return `operator ${sender.id}`
  return sender.title ? `${sender.name} (${sender.title})` : sender.name
}

/**
 * One line of at most `EXCERPT_LENGTH` characters saying what a stored message holds: a text's
 * words, a plan's components, a file's name and first line, … (the raw JSON for a type it does
 * not know, or content that does not decode).
 *
 * @example
 * contentExcerpt(plannedComponentsRow) // "2 components: index.html: a web page saying "Hello…"
 */
export function contentExcerpt(row: { toObj(): ConcreteMessage; content: string }): string {
  let text: string
  try {
    text = describe(row.toObj())
  } catch {
    text = row.content
  }
  return cut(text.replace(/\s+/g, " ").trim(), EXCERPT_LENGTH)
}

function describe(message: ConcreteMessage): string {
  if (message instanceof TextMessage) return message.text
  if (message instanceof PlannedComponents) {
    return `${plural(message.components.length, "component")}: ${message.components.join("; ")}`
  }
  if (message instanceof ProjectFile) {
    const firstLine = message.fileContents.split("\n").find((line) => line.trim() !== "") ?? ""
    return `${message.fileName}: ${firstLine}`
  }
  if (message instanceof Summary) return message.summary.join(" | ")
  if (message instanceof ProjectDirectory) {
    const names = message.files.map((file) => file.fileName).join(", ")
    return `${message.projectName}/: ${plural(message.files.length, "file")} (${names})`
  }
  return message.toContent()
}

function cut(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`
}
