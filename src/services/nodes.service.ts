import { NodeCreate } from "../dto/node.dto"
import { parseDto } from "../dto/parse-dto"
import { Node } from "../entities/node.entity"
import type { Session } from "../session"

// Services stage and flush (so ids and constraints are checked); the caller commits.

/**
 * Creates a tree node from a `NodeCreate` (or plain input): under `parentId`, or a root. Stages
 * and flushes; the caller commits.
 *
 * @throws ValidationError for bad input; ForeignKeyViolationError when the parent does not exist.
 *
 * @example
 * const root = await createNode(session, {})
 * const child = await createNode(session, { parentId: root.id })
 * await session.commit()
 */
export async function createNode(s: Session, create: NodeCreate): Promise<Node> {
  const dto = await parseDto(NodeCreate, create)
  const node = s.add(Object.assign(new Node(), { parentId: dto.parentId?.toLowerCase() ?? null }))
  await s.flush()
  return node
}
