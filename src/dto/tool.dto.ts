import { IsNotEmpty, IsString } from "class-validator"
import { MaxLength, NoNulCharacter } from "./validators"

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
  @NoNulCharacter()
  name!: string
}
