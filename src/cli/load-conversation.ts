import type { Message } from "../entities/message.entity"
import { Operator } from "../entities/operator.entity"
import { User } from "../entities/user.entity"
import { getMessages } from "../services/messages.service"
import type { Session } from "../session"

/** Who sent a stored message. */
export type ConversationSender =
  | { readonly kind: "user"; readonly id: string; readonly email: string | null }
  | {
      readonly kind: "operator"
      readonly id: string
      readonly name: string | null
      readonly title: string | null
    }

/** A stored message and its sender. */
export interface ConversationRow {
  readonly message: Message
  readonly sender: ConversationSender
}

const PAGE = 1_000

/**
 * Every message of a project, oldest first by (createdAt, id), with its sender's email or name
 * and title. Reads page by page, so a long conversation is read whole.
 *
 * @example
 * const rows = await loadConversation(session, project.id)
 * rows[0]?.sender // { kind: "user", id, email: "user@concrete.local" }
 */
export async function loadConversation(s: Session, projectId: string): Promise<ConversationRow[]> {
  const messages: Message[] = []
  for (let skip = 0; ; skip += PAGE) {
    const page = await getMessages(s, projectId, { skip, limit: PAGE })
    messages.push(...page)
    if (page.length < PAGE) break
  }
  const users = new Map<string, User | null>()
  const operators = new Map<string, Operator | null>()
  const rows: ConversationRow[] = []
  for (const message of messages) {
    if (message.userId) {
      const id = message.userId
      if (!users.has(id)) users.set(id, await s.get(User, id))
      rows.push({ message, sender: { kind: "user", id, email: users.get(id)?.email ?? null } })
    } else {
      const id = message.operatorId ?? ""
      if (!operators.has(id)) operators.set(id, await s.get(Operator, id))
      const operator = operators.get(id)
      rows.push({
        message,
        sender: {
          kind: "operator",
          id,
          name: operator?.name ?? null,
          title: operator?.title ?? null,
        },
      })
    }
  }
  return rows
}
