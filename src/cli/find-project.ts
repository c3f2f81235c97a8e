import { Orchestrator } from "../entities/orchestrator.entity"
import { Project } from "../entities/project.entity"
import { User } from "../entities/user.entity"
import type { Session } from "../session"
import { isUuid } from "../uuid"
import { CliError } from "./cli-error"

/** A project with its orchestrator and that orchestrator's user. */
export interface FoundProject {
  readonly project: Project
  readonly orchestrator: Orchestrator | null
  readonly user: User | null
}

// How many same-named projects an ambiguity error lists.
const LISTED = 5

/**
 * The project `reference` names: a project id, else a project name. Names are unique within an
 * orchestrator only, so a name several orchestrators use is an error listing them (with ids to
 * use instead).
 *
 * @throws CliError when no project matches, or the name is ambiguous.
 *
 * @example
 * const { project, orchestrator } = await findProject(session, "Build a hello world web page #1")
 */
export async function findProject(s: Session, reference: string): Promise<FoundProject> {
  if (isUuid(reference)) {
    const byId = await s.findOne(Project, { where: { id: reference.toLowerCase() } })
    if (byId) return withOwners(s, byId)
  }
  const matches = reference.includes("\u0000")
    ? []
    : await s.find(Project, {
        where: { name: reference },
        order: { createdAt: "ASC", id: "ASC" },
        take: LISTED + 1,
      })
  const [first] = matches
  if (!first) throw new CliError(`no project has the id or name "${reference}"`)
  if (matches.length === 1) return withOwners(s, first)
  const described: string[] = []
  for (const match of matches.slice(0, LISTED)) {
    const { orchestrator, user } = await withOwners(s, match)
    const owner = orchestrator
      ? `orchestrator "${orchestrator.name}"${user ? ` of ${user.email}` : ""}`
      : "an unknown orchestrator"
    described.push(`${match.id} (${owner})`)
  }
  const more = matches.length > LISTED ? ", …" : ""
  throw new CliError(
    `the project name "${reference}" is ambiguous: projects of several orchestrators have it: ${described.join(", ")}${more}; give the project's id instead`,
  )
}

async function withOwners(s: Session, project: Project): Promise<FoundProject> {
  const orchestrator = await s.get(Orchestrator, project.orchestratorId)
  const user = orchestrator ? await s.get(User, orchestrator.userId) : null
  return { project, orchestrator, user }
}
