import { OperatorCreate, OperatorUpdate } from "../dto/operator.dto"
import { parseDto } from "../dto/parse-dto"
import { Operator } from "../entities/operator.entity"
import { Project } from "../entities/project.entity"
import type { Session } from "../session"
import { applyUpdate } from "./apply-update"
import { directMessageProjectName } from "./direct-message-project-name"
import { idKey, textKey } from "./lookup-keys"
import { OLDEST_FIRST, type Pagination, resolvePagination } from "./pagination"

// Services stage and flush (so ids and constraints are checked); the caller commits.

// Alternatives tried when an operator's direct-message project name is taken.
const MAX_NAME_ORDINAL = 100

/**
 * Creates an operator from an `OperatorCreate` (or plain input), together with its
 * direct-message project `"<name>'s Direct Messages"` in the same orchestrator, linked both ways
 * (`operator.directMessageProject`, `project.directMessageOperatorId`), in the same transaction.
 * A name too long for the project's 64 characters is shortened with "…"; when the orchestrator
 * has a project of that name already, `" (2)"`, `" (3)"`, … is appended. Stages and flushes; the
 * caller commits.
 *
 * @throws ValidationError for bad input (nothing is written); UniqueViolationError when the
 * orchestrator has an operator of that name; ForeignKeyViolationError when the orchestrator does
 * not exist.
 *
 * @example
 * const operator = await createOperator(session, {
 *   instructions: "Write the code.",
 *   name: "Dev",
 *   title: "developer",
 *   orchestratorId,
 * })
 * operator.directMessageProject?.name // "Dev's Direct Messages"
 * await session.commit()
 */
export async function createOperator(s: Session, create: OperatorCreate): Promise<Operator> {
  const dto = await parseDto(OperatorCreate, create)
  const orchestratorId = dto.orchestratorId.toLowerCase()
  const projectName = await freeDirectMessageProjectName(s, dto.name, orchestratorId)
  const operator = Object.assign(new Operator(), {
    instructions: dto.instructions,
    name: dto.name,
    title: dto.title,
    orchestratorId,
    profilePictureUrl: dto.profilePictureUrl ?? null,
  })
  const project = Object.assign(new Project(), {
    name: projectName,
    orchestratorId,
    directMessageOperatorId: operator.id,
    directMessageOperator: operator,
  })
  operator.directMessageProject = project
  s.addAll([operator, project])
  await s.flush()
  return operator
}

async function freeDirectMessageProjectName(
  s: Session,
  operatorName: string,
  orchestratorId: string,
): Promise<string> {
  for (let ordinal = 1; ordinal <= MAX_NAME_ORDINAL; ordinal += 1) {
    const name = directMessageProjectName(operatorName, ordinal)
    const taken = await s.findOne(Project, { where: { orchestratorId, name } })
    if (!taken) return name
  }
  // Let the database's unique constraint say what is wrong.
  return directMessageProjectName(operatorName)
}

/**
 * The operator with this id in this orchestrator, or null (also when it belongs to another
 * orchestrator).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const operator = await getOperator(session, operatorId, orchestrator.id)
 */
export async function getOperator(
  s: Session,
  operatorId: string,
  orchestratorId: string,
): Promise<Operator | null> {
  const id = idKey(operatorId)
  const owner = idKey(orchestratorId)
  if (id === undefined || owner === undefined) return null
  // By primary key: an operator the session holds already (found by name, say) needs no query.
  const operator = await s.get(Operator, id)
  return operator && idKey(operator.orchestratorId) === owner ? operator : null
}

/**
 * The orchestrator's operator of this name, or null.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const developer = await getOperatorByName(session, "Dev", orchestrator.id)
 */
export async function getOperatorByName(
  s: Session,
  name: string,
  orchestratorId: string,
): Promise<Operator | null> {
  const key = textKey(name)
  const owner = idKey(orchestratorId)
  if (key === undefined || owner === undefined) return null
  return s.findOne(Operator, { where: { name: key, orchestratorId: owner } })
}

/**
 * Operators, oldest first by (createdAt, id): an orchestrator's when `orchestratorId` is given,
 * otherwise all. `skip` defaults to 0, `limit` to 100 (at most 1,000).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @throws ValidationError when `skip` or `limit` is negative or not a whole number, or `limit`
 * is above 1,000.
 *
 * @example
 * const operators = await getOperators(session, orchestrator.id, { limit: 10 })
 */
export async function getOperators(
  s: Session,
  orchestratorId?: string,
  options: Pagination = {},
): Promise<Operator[]> {
  const { skip, take } = resolvePagination(options)
  if (take === 0) return []
  if (orchestratorId === undefined) return s.find(Operator, { order: OLDEST_FIRST, skip, take })
  const owner = idKey(orchestratorId)
  if (owner === undefined) return []
  return s.find(Operator, { where: { orchestratorId: owner }, order: OLDEST_FIRST, skip, take })
}

/**
 * Applies an `OperatorUpdate` (instructions, name, profile picture) to the orchestrator's
 * operator. Returns it, or null when the orchestrator has no such operator (nothing is changed).
 * Its direct-message project keeps its name. Stages and flushes; the caller commits.
 *
 * @throws ValidationError for bad input; UniqueViolationError when the new name is taken.
 *
 * @example
 * await updateOperator(session, operatorId, orchestrator.id, { instructions: "Review code." })
 */
export async function updateOperator(
  s: Session,
  operatorId: string,
  orchestratorId: string,
  update: OperatorUpdate,
): Promise<Operator | null> {
  const dto = await parseDto(OperatorUpdate, update)
  const operator = await getOperator(s, operatorId, orchestratorId)
  if (!operator) return null
  applyUpdate(operator, dto)
  await s.flush()
  return operator
}

/**
 * Deletes the orchestrator's operator; the database deletes its clients, its direct-message
 * project, the messages it sent and its tool links, and clears it as a project's executive or
 * developer. Returns the deleted operator, or null when there is none. Stages and flushes; the
 * caller commits.
 *
 * @example
 * await deleteOperator(session, operatorId, orchestrator.id)
 */
export async function deleteOperator(
  s: Session,
  operatorId: string,
  orchestratorId: string,
): Promise<Operator | null> {
  const operator = await getOperator(s, operatorId, orchestratorId)
  if (!operator) return null
  s.delete(operator)
  await s.flush()
  return operator
}
