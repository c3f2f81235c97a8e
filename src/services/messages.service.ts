import { Raw } from "typeorm"
import { MessageCreate, MessageUpdate } from "../dto/message.dto"
import { parseDto } from "../dto/parse-dto"
import { Message, MessageStatus } from "../entities/message.entity"
import type { Session } from "../session"
import { applyUpdate } from "./apply-update"
import { idKey, textKey } from "./lookup-keys"
import { readMessagePage, type MessagePage } from "./message-page"
import { NEWEST_FIRST, type Pagination } from "./pagination"

// Services stage and flush (so ids and constraints are checked); the caller commits.

/** The `type` of the message holding a project's finished result (`ProjectDirectory`). */
export const COMPLETED_PROJECT_MESSAGE_TYPE = "projectdirectory"

/**
 * Creates a message of a project from a `MessageCreate` (or plain input): its type, JSON content,
 * prompt, status (default `"init"`) and sender (exactly one of `userId` and `operatorId`).
 * Stages and flushes; the caller commits.
 *
 * @throws ValidationError for bad input, including both or neither sender (nothing is written);
 * ForeignKeyViolationError when the project or the sender does not exist.
 *
 * @example
 * const message = await createMessage(session, {
 *   type: "textmessage",
 *   content: JSON.stringify({ text: "Build a landing page" }),
 *   prompt: "Build a landing page",
 *   projectId: project.id,
 *   userId: user.id,
 * })
 * await session.commit()
 */
export async function createMessage(s: Session, create: MessageCreate): Promise<Message> {
  const message = await stageMessage(s, create)
  await s.flush()
  return message
}

/**
 * `createMessage` without its flush: the input is checked and the message staged; the caller's
 * commit writes it. A commit that holds only this message is one INSERT, sent in one round trip
 * (no BEGIN/COMMIT), which is how a conversation recorder stores each message.
 *
 * @throws ValidationError for bad input (nothing is staged).
 */
export async function stageMessage(s: Session, create: MessageCreate): Promise<Message> {
  const dto = await parseDto(MessageCreate, create)
  return s.add(
    Object.assign(new Message(), {
      type: dto.type,
      content: dto.content,
      prompt: dto.prompt ?? null,
      status: dto.status ?? MessageStatus.Init,
      projectId: dto.projectId.toLowerCase(),
      userId: dto.userId?.toLowerCase() ?? null,
      operatorId: dto.operatorId?.toLowerCase() ?? null,
    }),
  )
}

/**
 * The message with this id, or null.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const message = await getMessage(session, messageId)
 */
export async function getMessage(s: Session, messageId: string): Promise<Message | null> {
  const id = idKey(messageId)
  if (id === undefined) return null
  return s.findOne(Message, { where: { id } })
}

/**
 * Options of `getMessages` and `getMessagePage`: only the messages answering `prompt`, and which
 * page: `limit` rows (default 100, at most 1,000) after the cursor `after`, before the cursor
 * `before`, the newest `limit` (`newest: true`), or after skipping `skip` rows (OFFSET: its cost
 * grows with the depth). At most one of `after`, `before`, `newest` and `skip`.
 */
export interface GetMessagesOptions extends Pagination {
  readonly prompt?: string | null | undefined
  /** A cursor (`next` or `previous` of a `MessagePage`): the messages that follow it. */
  readonly after?: string | undefined
  /** A cursor (`next` or `previous` of a `MessagePage`): the messages that precede it. */
  readonly before?: string | undefined
  /** The page at the end: the newest `limit` messages (still oldest first). */
  readonly newest?: boolean | undefined
}

/**
 * A project's messages, oldest first by (createdAt, id), only those whose prompt is `prompt` when
 * it is given: the first `limit` (default 100, at most 1,000), or those right after the cursor
 * `after` or right before the cursor `before` (cursors come from `getMessagePage`), or, as
 * before cursors existed, those after skipping `skip` rows.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @throws ValidationError when `skip` or `limit` is negative or not a whole number, `limit` is
 * above 1,000, a cursor is not one `getMessagePage` returned, or more than one of `after`,
 * `before`, `newest` and `skip` is given.
 *
 * @example
 * const history = await getMessages(session, project.id, { prompt: "Build a landing page" })
 * const more = await getMessages(session, project.id, { after: page.next!, limit: 50 })
 */
export async function getMessages(
  s: Session,
  projectId: string,
  options: GetMessagesOptions = {},
): Promise<Message[]> {
  return (await readMessagePage(s, projectId, options, false)).messages
}

/**
 * One page of a project's messages, oldest first by (createdAt, id), with the cursors of its
 * neighbours: `next` reads the messages after the page (`{ after: page.next }`), `previous` those
 * before it (`{ before: page.previous }`); each is null when there is nothing on that side (or
 * the page is empty). A cursor page costs the same at any depth (a range of the
 * (project_id, created_at, id) index), where `skip` reads and drops every skipped row; a
 * message added or deleted meanwhile neither shifts nor repeats the pages around it.
 * Cursors are opaque base64url text (the createdAt and id of the message at the edge).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @throws ValidationError as `getMessages`: a bad `limit`, a cursor that is not one this
 * function returned (`Pagination.after`), or two of `after`, `before`, `newest` and `skip`.
 *
 * @example
 * let page = await getMessagePage(session, project.id, { limit: 50 })
 * for (;;) {
 *   for (const message of page.messages) console.log(message.content)
 *   if (page.next === null) break
 *   page = await getMessagePage(session, project.id, { after: page.next, limit: 50 })
 * }
 * const latest = await getMessagePage(session, project.id, { newest: true, limit: 50 })
 * const older = await getMessagePage(session, project.id, { before: latest.previous!, limit: 50 })
 */
export function getMessagePage(
  s: Session,
  projectId: string,
  options: GetMessagesOptions = {},
): Promise<MessagePage> {
  return readMessagePage(s, projectId, options, true)
}

/**
 * The project's result: its newest message of type `"projectdirectory"` in any letter case (the
 * `ProjectDirectory` message type, stored as `"projectdirectory"` here and as `"ProjectDirectory"`
 * by other writers), only among those answering `prompt` when it is given; or null when the
 * project has none yet.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const result = await getCompletedProject(session, project.id)
 * if (result) console.log(JSON.parse(result.content))
 */
export async function getCompletedProject(
  s: Session,
  projectId: string,
  prompt?: string | null,
): Promise<Message | null> {
  const id = idKey(projectId)
  if (id === undefined) return null
  // LOWER() is the same function on every database; the project's index finds the rows.
  const type = Raw((column) => `LOWER(${column}) = :completedType`, {
    completedType: COMPLETED_PROJECT_MESSAGE_TYPE,
  })
  if (prompt === undefined || prompt === null) {
    return s.findOne(Message, { where: { projectId: id, type }, order: NEWEST_FIRST })
  }
  const key = textKey(prompt)
  if (key === undefined) return null
  return s.findOne(Message, { where: { projectId: id, type, prompt: key }, order: NEWEST_FIRST })
}

/**
 * Applies a `MessageUpdate` (its status) to the message. Returns it, or null when there is no
 * such message (nothing is changed). Stages and flushes; the caller commits.
 *
 * @throws ValidationError for bad input (a status that is not one of `MESSAGE_STATUSES`, a
 * property that cannot change).
 *
 * @example
 * await updateMessage(session, message.id, { status: "finished" })
 */
export async function updateMessage(
  s: Session,
  messageId: string,
  update: MessageUpdate,
): Promise<Message | null> {
  const dto = await parseDto(MessageUpdate, update)
  const message = await getMessage(s, messageId)
  if (!message) return null
  applyUpdate(message, dto)
  await s.flush()
  return message
}

/**
 * Deletes the message. Returns the deleted message, or null when there is none. Stages and
 * flushes; the caller commits.
 *
 * @example
 * await deleteMessage(session, message.id)
 */
export async function deleteMessage(s: Session, messageId: string): Promise<Message | null> {
  const message = await getMessage(s, messageId)
  if (!message) return null
  s.delete(message)
  await s.flush()
  return message
}
