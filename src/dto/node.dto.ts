import { IsOptional, IsUUID } from "class-validator"

/**
 * A new node of a tree, under `parentId` (a root when left out or `null`).
 *
 * @example
 * const create = await parseDto(NodeCreate, { parentId: root.id })
 */
export class NodeCreate {
  @IsOptional()
  @IsUUID()
  parentId?: string | null
}

/**
 * Changes to a node: its parent (`null` makes it a root).
 *
 * @example
 * const update = await parseDto(NodeUpdate, { parentId: null })
 */
export class NodeUpdate {
  @IsOptional()
  @IsUUID()
  parentId?: string | null
}
