import { IsNull } from "typeorm"
import { parseDto } from "../dto/parse-dto"
import { RepoNodeCreate, RepoNodeUpdate } from "../dto/repo-node.dto"
import { RepoNode } from "../entities/repo-node.entity"
import { ValidationError } from "../errors"
import type { Session } from "../session"
import { applyUpdate } from "./apply-update"
import { idKey, textKey } from "./lookup-keys"
import { OLDEST_FIRST } from "./pagination"

// Services stage and flush (so ids and constraints are checked); the caller commits.

/**
 * Creates a repository node from a `RepoNodeCreate` (or plain input). Stages and flushes; the
 * caller commits.
 *
 * @throws ValidationError for bad input; ForeignKeyViolationError when the parent does not exist.
 *
 * @example
 * const root = await createRepoNode(session, {
 *   org: "acme",
 *   repo: "site",
 *   branch: "main",
 *   partitionType: "directory",
 *   name: "site",
 *   summary: "The web site.",
 *   childrenSummaries: "src: the code",
 *   absPath: "/",
 * })
 * await session.commit()
 */
export async function createRepoNode(s: Session, create: RepoNodeCreate): Promise<RepoNode> {
  const dto = await parseDto(RepoNodeCreate, create)
  const node = s.add(
    Object.assign(new RepoNode(), {
      org: dto.org,
      repo: dto.repo,
      partitionType: dto.partitionType,
      name: dto.name,
      summary: dto.summary,
      childrenSummaries: dto.childrenSummaries,
      absPath: dto.absPath,
      branch: dto.branch,
      parentId: dto.parentId?.toLowerCase() ?? null,
    }),
  )
  await s.flush()
  return node
}

/**
 * The repository node with this id, or null.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const node = await getRepoNode(session, nodeId)
 */
export async function getRepoNode(s: Session, repoNodeId: string): Promise<RepoNode | null> {
  const id = idKey(repoNodeId)
  if (id === undefined) return null
  return s.findOne(RepoNode, { where: { id } })
}

/**
 * Applies a `RepoNodeUpdate` to the node. Returns it, or null when there is no such node
 * (nothing is changed). Stages and flushes; the caller commits.
 *
 * @throws ValidationError for bad input, or when the new parent is the node itself or one of its
 * descendants (nothing is changed).
 *
 * @example
 * await updateRepoNode(session, node.id, { summary: "The web site, in Astro." })
 */
export async function updateRepoNode(
  s: Session,
  repoNodeId: string,
  update: RepoNodeUpdate,
): Promise<RepoNode | null> {
  const dto = await parseDto(RepoNodeUpdate, update)
  const node = await getRepoNode(s, repoNodeId)
  if (!node) return null
  const parentId = typeof dto.parentId === "string" ? dto.parentId.toLowerCase() : dto.parentId
  if (typeof parentId === "string" && (await isInSubtree(s, parentId, node.id))) {
    throw new ValidationError([
      {
        property: "RepoNodeUpdate.parentId",
        reasons: ["parentId must not be the node itself or one of its descendants"],
      },
    ])
  }
  applyUpdate(node, { ...dto, ...(parentId === undefined ? {} : { parentId }) })
  await s.flush()
  return node
}

// Whether `candidateId` is `rootId` or below it: walks up from the candidate.
async function isInSubtree(s: Session, candidateId: string, rootId: string): Promise<boolean> {
  const seen = new Set<string>()
  let current: string | null | undefined = candidateId
  while (typeof current === "string" && !seen.has(current)) {
    if (current === rootId) return true
    seen.add(current)
    current = (await s.get(RepoNode, current))?.parentId
  }
  return false
}

/**
 * The root node (the one without a parent) of `org/repo` on `branch`, or null. When there are
 * several, the oldest.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const root = await getRootRepoNode(session, "acme", "site") // branch "main"
 */
export async function getRootRepoNode(
  s: Session,
  org: string,
  repo: string,
  branch = "main",
): Promise<RepoNode | null> {
  const keys = [textKey(org), textKey(repo), textKey(branch)]
  if (keys.includes(undefined)) return null
  return s.findOne(RepoNode, {
    where: { org: keys[0]!, repo: keys[1]!, branch: keys[2]!, parentId: IsNull() },
    order: OLDEST_FIRST,
  })
}

/**
 * The node of `org/repo` on `branch` at `absPath`, or null. When there are several, the oldest.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const readme = await getRepoNodeByPath(session, "acme", "site", "/README.md")
 */
export async function getRepoNodeByPath(
  s: Session,
  org: string,
  repo: string,
  absPath: string,
  branch = "main",
): Promise<RepoNode | null> {
  const keys = [textKey(org), textKey(repo), textKey(absPath), textKey(branch)]
  if (keys.includes(undefined)) return null
  return s.findOne(RepoNode, {
    where: { org: keys[0]!, repo: keys[1]!, absPath: keys[2]!, branch: keys[3]! },
    order: OLDEST_FIRST,
  })
}
