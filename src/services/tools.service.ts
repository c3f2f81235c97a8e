import { parseDto } from "../dto/parse-dto"
import { ToolCreate } from "../dto/tool.dto"
import { Operator } from "../entities/operator.entity"
import { Orchestrator } from "../entities/orchestrator.entity"
import { Tool } from "../entities/tool.entity"
import { User } from "../entities/user.entity"
import { NotFoundError } from "../errors"
import type { Session } from "../session"
import { idKey, textKey } from "./lookup-keys"
import { OLDEST_FIRST, type Pagination, resolvePagination } from "./pagination"

// Services stage and flush (so ids and constraints are checked); the caller commits.

type ToolOwner = typeof User | typeof Orchestrator | typeof Operator

/**
 * Creates a tool from a `ToolCreate` (or plain input) and gives it to the user. Stages and
 * flushes; the caller commits.
 *
 * @throws ValidationError for bad input; NotFoundError when the user does not exist (nothing is
 * written either way).
 *
 * @example
 * const tool = await createTool(session, { name: "GithubTool" }, user.id)
 * await session.commit()
 */
export async function createTool(s: Session, create: ToolCreate, userId: string): Promise<Tool> {
  const dto = await parseDto(ToolCreate, create)
  const user = await withTools(s, User, userId)
  if (!user) throw new NotFoundError(`User ${String(userId)} does not exist.`)
  const tool = s.add(Object.assign(new Tool(), { name: dto.name }))
  user.tools = [...(user.tools ?? []), tool]
  await s.flush()
  return tool
}

// The owner with its tools loaded, so that adding one to the array adds one link.
async function withTools<T extends ToolOwner>(
  s: Session,
  Owner: T,
  ownerId: string,
): Promise<InstanceType<T> | null> {
  const id = idKey(ownerId)
  if (id === undefined) return null
  const owner = await s.findOne<User | Orchestrator | Operator>(Owner, {
    where: { id },
    relations: { tools: true },
  })
  return owner as InstanceType<T> | null
}

async function assignTool<T extends ToolOwner>(
  s: Session,
  Owner: T,
  ownerId: string,
  toolId: string,
): Promise<InstanceType<T> | null> {
  const id = idKey(toolId)
  if (id === undefined) return null
  const tool = await s.get(Tool, id)
  if (!tool) return null
  const owner = await withTools(s, Owner, ownerId)
  if (!owner) return null
  const tools = owner.tools ?? []
  if (!tools.some((linked) => linked.id === tool.id)) {
    owner.tools = [...tools, tool]
    await s.flush()
  }
  return owner
}

/**
 * Gives the tool to the user (idempotent: a second call changes nothing). Returns the user, or
 * null when the user or the tool does not exist. Stages and flushes; the caller commits.
 *
 * @example
 * await assignToolToUser(session, user.id, tool.id)
 */
export function assignToolToUser(s: Session, userId: string, toolId: string): Promise<User | null> {
  return assignTool(s, User, userId, toolId)
}

/**
 * Gives the tool to the orchestrator (idempotent). Returns the orchestrator, or null when it or
 * the tool does not exist. Stages and flushes; the caller commits.
 *
 * @example
 * await assignToolToOrchestrator(session, orchestrator.id, tool.id)
 */
export function assignToolToOrchestrator(
  s: Session,
  orchestratorId: string,
  toolId: string,
): Promise<Orchestrator | null> {
  return assignTool(s, Orchestrator, orchestratorId, toolId)
}

/**
 * Gives the tool to the operator (idempotent). Returns the operator, or null when it or the tool
 * does not exist. Stages and flushes; the caller commits.
 *
 * @example
 * await assignToolToOperator(session, operator.id, tool.id)
 */
export function assignToolToOperator(
  s: Session,
  operatorId: string,
  toolId: string,
): Promise<Operator | null> {
  return assignTool(s, Operator, operatorId, toolId)
}

async function toolsOf(
  s: Session,
  relation: "users" | "orchestrators" | "operators",
  owner: Record<string, string>,
  options: Pagination,
): Promise<Tool[]> {
  const { skip, take } = resolvePagination(options)
  if (take === 0) return []
  return s.find(Tool, { where: { [relation]: owner }, order: OLDEST_FIRST, skip, take })
}

/**
 * The user's tool of this name (its oldest, should the user have two), or null: also when the
 * tool exists but is not the user's.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const github = await getToolByName(session, "GithubTool", currentUser.id)
 */
export async function getToolByName(
  s: Session,
  name: string,
  userId: string,
): Promise<Tool | null> {
  const key = textKey(name)
  const owner = idKey(userId)
  if (key === undefined || owner === undefined) return null
  return s.findOne(Tool, { where: { name: key, users: { id: owner } }, order: OLDEST_FIRST })
}

/**
 * The user's tools, oldest first by (createdAt, id); the user is named by id or by email (a
 * UUID is taken as the id, anything else as the email, as the original's `get_user_tools` looks
 * a user up). Empty when there is no such user. `skip` defaults to 0, `limit` to 100 (at most
 * 1,000).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @throws ValidationError when `skip` or `limit` is negative or not a whole number, or `limit`
 * is above 1,000.
 *
 * @example
 * const tools = await getUserTools(session, user.id, { limit: 20 })
 * const same = await getUserTools(session, "ada@example.com")
 */
export async function getUserTools(
  s: Session,
  userIdOrEmail: string,
  options: Pagination = {},
): Promise<Tool[]> {
  const id = idKey(userIdOrEmail)
  if (id !== undefined) return toolsOf(s, "users", { id }, options)
  const email = textKey(userIdOrEmail)
  if (email === undefined) {
    resolvePagination(options)
    return []
  }
  return toolsOf(s, "users", { email }, options)
}

/**
 * The orchestrator's tools, oldest first by (createdAt, id); with `userId`, only when that user
 * owns the orchestrator (empty otherwise), as `getOrchestrator` scopes it. Paginated like
 * `getUserTools`.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const tools = await getOrchestratorTools(session, orchestrator.id, currentUser.id)
 */
export function getOrchestratorTools(
  s: Session,
  orchestratorId: string,
  userId?: string,
  options?: Pagination,
): Promise<Tool[]>
/** Unscoped, as before `userId` was added: `getOrchestratorTools(s, orchestratorId, { limit })`. */
export function getOrchestratorTools(
  s: Session,
  orchestratorId: string,
  options: Pagination,
): Promise<Tool[]>
export async function getOrchestratorTools(
  s: Session,
  orchestratorId: string,
  userIdOrOptions?: string | Pagination,
  pagination: Pagination = {},
): Promise<Tool[]> {
  const scoped = typeof userIdOrOptions !== "object" || userIdOrOptions === null
  const userId = scoped ? userIdOrOptions : undefined
  const options = scoped ? pagination : userIdOrOptions
  const id = idKey(orchestratorId)
  const owner = userId === undefined ? undefined : idKey(userId)
  if (id === undefined || (userId !== undefined && owner === undefined)) {
    resolvePagination(options)
    return []
  }
  return toolsOf(s, "orchestrators", owner === undefined ? { id } : { id, userId: owner }, options)
}

/**
 * The operator's tools, oldest first by (createdAt, id). Paginated like `getUserTools`.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const tools = await getOperatorTools(session, operator.id, { skip: 0, limit: 50 })
 */
export async function getOperatorTools(
  s: Session,
  operatorId: string,
  options: Pagination = {},
): Promise<Tool[]> {
  const id = idKey(operatorId)
  if (id === undefined) {
    resolvePagination(options)
    return []
  }
  return toolsOf(s, "operators", { id }, options)
}
