import { NonEmptyText } from "./field-rules"

/**
 * A new tool, by name.
 *
 * @example
 * const create = await parseDto(ToolCreate, { name: "GithubTool" })
 */
export class ToolCreate {
  @NonEmptyText(64)
  name!: string
}
