import { IsNotEmpty, IsString } from "class-validator"
import { MaxLength, StorableText } from "./validators"

/**
 * A new tool, by name.
 *
 * @example
 * const create = await parseDto(ToolCreate, { name: "GithubTool" })
 */
export class ToolCreate {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @StorableText()
  name!: string
}
