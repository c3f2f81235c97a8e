import { IsNull } from "typeorm"
import { parseDto } from "../dto/parse-dto"
import { ProjectCreate, ProjectUpdate } from "../dto/project.dto"
import { Project } from "../entities/project.entity"
import { ValidationError, type ValidationIssue } from "../errors"
import type { Session } from "../session"
import { applyUpdate } from "./apply-update"
import { idKey, textKey } from "./lookup-keys"
import { getOperator } from "./operators.service"
import { OLDEST_FIRST, type Pagination, resolvePagination } from "./pagination"

// Services stage and flush (so ids and constraints are checked); the caller commits.

const ROLES = ["executiveId", "developerId"] as const

/**
 * Creates a project of an orchestrator from a `ProjectCreate` (or plain input). Stages and
 * flushes; the caller commits.
 *
 * @throws ValidationError for bad input, or when `executiveId`/`developerId` is not an operator
 * of the orchestrator (nothing is written); UniqueViolationError when the orchestrator has a
 * project of that name.
 *
 * @example
 * const project = await createProject(session, { name: "Landing page", orchestratorId })
 * await session.commit()
 */
export async function createProject(s: Session, create: ProjectCreate): Promise<Project> {
  const dto = await parseDto(ProjectCreate, create)
  const orchestratorId = dto.orchestratorId.toLowerCase()
  const roles = await checkRoles(s, "ProjectCreate", dto, orchestratorId)
  const project = s.add(
    Object.assign(new Project(), {
      name: dto.name,
      orchestratorId,
      executiveId: roles.executiveId ?? null,
      developerId: roles.developerId ?? null,
      directMessageOperatorId: null,
    }),
  )
  await s.flush()
  return project
}

// The executive and developer named in `dto` (lower-cased), after checking each is an operator
// of the orchestrator.
async function checkRoles(
  s: Session,
  dtoName: string,
  dto: { executiveId?: string | null; developerId?: string | null },
  orchestratorId: string,
): Promise<{ executiveId?: string | null; developerId?: string | null }> {
  const issues: ValidationIssue[] = []
  const roles: { executiveId?: string | null; developerId?: string | null } = {}
  for (const role of ROLES) {
    const value = dto[role]
    if (value === undefined || value === null) {
      if (value === null) roles[role] = null
      continue
    }
    const operatorId = value.toLowerCase()
    if (await getOperator(s, operatorId, orchestratorId)) roles[role] = operatorId
    else {
      issues.push({
        property: `${dtoName}.${role}`,
        reasons: [`${role} must be an operator of orchestrator ${orchestratorId}`],
      })
    }
  }
  if (issues.length > 0) throw new ValidationError(issues)
  return roles
}

/**
 * The project with this id in this orchestrator, or null (also when it belongs to another
 * orchestrator).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const project = await getProject(session, projectId, orchestrator.id)
 */
export async function getProject(
  s: Session,
  projectId: string,
  orchestratorId: string,
): Promise<Project | null> {
  const id = idKey(projectId)
  const owner = idKey(orchestratorId)
  if (id === undefined || owner === undefined) return null
  return s.findOne(Project, { where: { id, orchestratorId: owner } })
}

/**
 * The orchestrator's project of this name, or null.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const project = await getProjectByName(session, "Landing page", orchestrator.id)
 */
export async function getProjectByName(
  s: Session,
  name: string,
  orchestratorId: string,
): Promise<Project | null> {
  const key = textKey(name)
  const owner = idKey(orchestratorId)
  if (key === undefined || owner === undefined) return null
  return s.findOne(Project, { where: { name: key, orchestratorId: owner } })
}

/** Options of `getProjects`: whether to list direct-message projects too, and which page. */
export interface GetProjectsOptions extends Pagination {
  /** Also list operators' direct-message projects (default false). */
  readonly includeDirectMessages?: boolean | undefined
}

/**
 * Projects, oldest first by (createdAt, id): an orchestrator's when `orchestratorId` is given,
 * otherwise all; without operators' direct-message projects unless `includeDirectMessages`.
 * `skip` defaults to 0, `limit` to 100 (at most 1,000).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @throws ValidationError when `skip` or `limit` is negative or not a whole number, or `limit`
 * is above 1,000.
 *
 * @example
 * const projects = await getProjects(session, orchestrator.id, { includeDirectMessages: true })
 */
export async function getProjects(
  s: Session,
  orchestratorId?: string,
  options: GetProjectsOptions = {},
): Promise<Project[]> {
  const { skip, take } = resolvePagination(options)
  if (take === 0) return []
  const where: { orchestratorId?: string; directMessageOperatorId?: ReturnType<typeof IsNull> } = {}
  if (orchestratorId !== undefined) {
    const owner = idKey(orchestratorId)
    if (owner === undefined) return []
    where.orchestratorId = owner
  }
  if (options.includeDirectMessages !== true) where.directMessageOperatorId = IsNull()
  return s.find(Project, { where, order: OLDEST_FIRST, skip, take })
}

/**
 * Applies a `ProjectUpdate` (name, executive, developer; `null` clears a role) to the
 * orchestrator's project. Returns it, or null when the orchestrator has no such project (nothing
 * is changed). Stages and flushes; the caller commits.
 *
 * @throws ValidationError for bad input, or when a new executive/developer is not an operator of
 * the orchestrator; UniqueViolationError when the new name is taken.
 *
 * @example
 * await updateProject(session, projectId, orchestrator.id, { developerId: developer.id })
 */
export async function updateProject(
  s: Session,
  projectId: string,
  orchestratorId: string,
  update: ProjectUpdate,
): Promise<Project | null> {
  const dto = await parseDto(ProjectUpdate, update)
  const project = await getProject(s, projectId, orchestratorId)
  if (!project) return null
  const roles = await checkRoles(s, "ProjectUpdate", dto, project.orchestratorId)
  applyUpdate(project, { ...dto, ...roles })
  await s.flush()
  return project
}

/**
 * Deletes the orchestrator's project and (by the database's cascade) its messages. Returns the
 * deleted project, or null when there is none. Stages and flushes; the caller commits.
 *
 * @example
 * await deleteProject(session, projectId, orchestrator.id)
 */
export async function deleteProject(
  s: Session,
  projectId: string,
  orchestratorId: string,
): Promise<Project | null> {
  const project = await getProject(s, projectId, orchestratorId)
  if (!project) return null
  s.delete(project)
  await s.flush()
  return project
}
