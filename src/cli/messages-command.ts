import { withSession } from "../with-session"
import type { Command } from "./command"
import { conversationTable } from "./conversation-table"
import { findProject } from "./find-project"
import { loadConversation, type ConversationRow } from "./load-conversation"
import { withDatabase } from "./open-database"
import { plural } from "./plural"

/**
 * `concrete-db messages <project> [--json]`: a project's conversation, oldest first, as a table
 * or as JSON (each message's content parsed).
 *
 * @example
 * // concrete-db messages "Build a hello world web page #1" --json | jq '.messages[].type'
 */
export const messagesCommand: Command = {
  name: "messages",
  summary: "Print a project's conversation, oldest first",
  description: [
    "Prints every message of a project, oldest first: time (UTC), sender, type, status and a",
    "content excerpt. <project> is a project id or name; a name that projects of several",
    "orchestrators share is an error listing their ids. --json prints the project and every",
    "message in full, content parsed from its JSON text.",
  ].join("\n"),
  args: [{ name: "project", required: true }],
  options: {
    json: { type: "boolean", description: "print JSON instead of a table" },
  },
  async run({ args, options, io }) {
    const reference = args[0] ?? ""
    await withDatabase(io, { require: "current" }, async (dataSource) => {
      const { found, rows } = await withSession(
        async (s) => {
          const found = await findProject(s, reference)
          return { found, rows: await loadConversation(s, found.project.id) }
        },
        dataSource,
        { readOnly: true },
      )
      const { project, orchestrator, user } = found
      if (options.json === true) {
        const document = {
          project: {
            id: project.id,
            name: project.name,
            createdAt: project.createdAt.toISOString(),
            orchestrator: orchestrator && { id: orchestrator.id, name: orchestrator.name },
            user: user && { id: user.id, email: user.email },
          },
          messages: rows.map(jsonOf),
        }
        io.stdout(`${JSON.stringify(document, null, 2)}\n`)
        return
      }
      const owner = orchestrator
        ? ` of orchestrator "${orchestrator.name}"${user ? ` (${user.email})` : ""}`
        : ""
      io.stdout(
        `Project "${project.name}" (${project.id})${owner}: ${plural(rows.length, "message")}\n\n`,
      )
      if (rows.length > 0) io.stdout(conversationTable(rows))
    })
  },
}

function jsonOf({ message, sender }: ConversationRow): Record<string, unknown> {
  let content: unknown
  try {
    content = JSON.parse(message.content)
  } catch {
    content = message.content
  }
  return {
    id: message.id,
    createdAt: message.createdAt.toISOString(),
    type: message.type,
    status: message.status,
    prompt: message.prompt ?? null,
    sender,
    content,
  }
}
