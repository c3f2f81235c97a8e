import { OrchestratorCreate, OrchestratorUpdate } from "../dto/orchestrator.dto"
import { parseDto } from "../dto/parse-dto"
import { Orchestrator } from "../entities/orchestrator.entity"
import type { Session } from "../session"
import { applyUpdate } from "./apply-update"
import { idKey, textKey } from "./lookup-keys"
import { OLDEST_FIRST, type Pagination, resolvePagination } from "./pagination"

// Services stage and flush (so ids and constraints are checked); the caller commits.

/**
 * Creates an orchestrator for a user from an `OrchestratorCreate` (or plain input). Stages and
 * flushes; the caller commits.
 *
 * @throws ValidationError for bad input (nothing is written); UniqueViolationError when the user
 * has an orchestrator of that name; ForeignKeyViolationError when the user does not exist.
 *
 * @example
 * const orchestrator = await createOrchestrator(session, { type: "software", name: "Acme", userId })
 * await session.commit()
 */
export async function createOrchestrator(
  s: Session,
  create: OrchestratorCreate,
): Promise<Orchestrator> {
  const dto = await parseDto(OrchestratorCreate, create)
  const orchestrator = s.add(
    Object.assign(new Orchestrator(), {
      type: dto.type,
      name: dto.name,
      userId: dto.userId.toLowerCase(),
    }),
  )
  await s.flush()
  return orchestrator
}

/**
 * The orchestrator with this id, or null; with `userId`, null as well when another user owns it.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const orchestrator = await getOrchestrator(session, orchestratorId, currentUser.id)
 */
export async function getOrchestrator(
  s: Session,
  orchestratorId: string,
  userId?: string,
): Promise<Orchestrator | null> {
  const id = idKey(orchestratorId)
  if (id === undefined) return null
  if (userId === undefined) return s.findOne(Orchestrator, { where: { id } })
  const owner = idKey(userId)
  if (owner === undefined) return null
  return s.findOne(Orchestrator, { where: { id, userId: owner } })
}

/**
 * The user's orchestrator of this name, or null.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const orchestrator = await getOrchestratorByName(session, "Acme", user.id)
 */
export async function getOrchestratorByName(
  s: Session,
  name: string,
  userId: string,
): Promise<Orchestrator | null> {
  const key = textKey(name)
  const owner = idKey(userId)
  if (key === undefined || owner === undefined) return null
  return s.findOne(Orchestrator, { where: { name: key, userId: owner } })
}

/** Options of `getOrchestrators`: whose orchestrators (default: everyone's), and which page. */
export interface GetOrchestratorsOptions extends Pagination {
  readonly userId?: string | undefined
}

/**
 * Orchestrators, oldest first by (createdAt, id): a user's when `userId` is given, otherwise
 * everyone's. `skip` defaults to 0, `limit` to 100 (at most 1,000).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @throws ValidationError when `skip` or `limit` is negative or not a whole number, or `limit`
 * is above 1,000.
 *
 * @example
 * const page = await getOrchestrators(session, { userId: user.id, skip: 20, limit: 20 })
 */
export async function getOrchestrators(
  s: Session,
  options: GetOrchestratorsOptions = {},
): Promise<Orchestrator[]> {
  const { skip, take } = resolvePagination(options)
  if (take === 0) return []
  if (options.userId === undefined) {
    return s.find(Orchestrator, { order: OLDEST_FIRST, skip, take })
  }
  const userId = idKey(options.userId)
  if (userId === undefined) return []
  return s.find(Orchestrator, { where: { userId }, order: OLDEST_FIRST, skip, take })
}

/**
 * Applies an `OrchestratorUpdate` (its name) to the orchestrator; with `userId`, only to that
 * user's. Returns it, or null when there is no such orchestrator (nothing is changed). Stages and
 * flushes; the caller commits.
 *
 * @throws ValidationError for bad input (checked before anything is read); UniqueViolationError
 * when the user has another orchestrator of the new name.
 *
 * @example
 * const renamed = await updateOrchestrator(session, orchestratorId, { name: "Acme 2" }, user.id)
 */
export async function updateOrchestrator(
  s: Session,
  orchestratorId: string,
  update: OrchestratorUpdate,
  userId?: string,
): Promise<Orchestrator | null> {
  const dto = await parseDto(OrchestratorUpdate, update)
  const orchestrator = await getOrchestrator(s, orchestratorId, userId)
  if (!orchestrator) return null
  applyUpdate(orchestrator, dto)
  await s.flush()
  return orchestrator
}

/**
 * Deletes the orchestrator (with its operators, projects and their messages, by the database's
 * cascades); with `userId`, only that user's. Returns the deleted orchestrator, or null when
 * there is none. Stages and flushes; the caller commits.
 *
 * @example
 * const deleted = await deleteOrchestrator(session, orchestratorId, user.id)
 */
export async function deleteOrchestrator(
  s: Session,
  orchestratorId: string,
  userId?: string,
): Promise<Orchestrator | null> {
  const orchestrator = await getOrchestrator(s, orchestratorId, userId)
  if (!orchestrator) return null
  s.delete(orchestrator)
  await s.flush()
  return orchestrator
}
