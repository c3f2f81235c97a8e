import { IsNotEmpty, IsOptional, IsString, IsUUID } from "class-validator"
import {
  IsOptionalNotNull,
  LONG_TEXT_MAX_BYTES,
  MaxLength,
  MaxUtf8Bytes,
  StorableText,
  TEXT_MAX_BYTES,
} from "./validators"

/**
 * A new node of a repository tree: a directory, file or chunk (`partitionType`) of `org/repo` on
 * `branch`, with its summary, its children's summaries and its absolute path; a root when
 * `parentId` is left out.
 *
 * @example
 * const create = await parseDto(RepoNodeCreate, {
 *   org: "acme",
 *   repo: "site",
 *   branch: "main",
 *   partitionType: "directory",
 *   name: "site",
 *   summary: "The web site.",
 *   childrenSummaries: "",
 *   absPath: "/",
 * })
 */
export class RepoNodeCreate {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @StorableText()
  org!: string

  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @StorableText()
  repo!: string

  @IsString()
  @IsNotEmpty()
  @MaxLength(16)
  @StorableText()
  partitionType!: string

  @IsString()
  @MaxLength(255)
  @StorableText()
  name!: string

  @IsString()
  @MaxUtf8Bytes(LONG_TEXT_MAX_BYTES)
  @StorableText()
  summary!: string

  @IsString()
  @MaxUtf8Bytes(LONG_TEXT_MAX_BYTES)
  @StorableText()
  childrenSummaries!: string

  @IsString()
  @MaxUtf8Bytes(TEXT_MAX_BYTES)
  @StorableText()
  absPath!: string

  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @StorableText()
  branch!: string

  @IsOptional()
  @IsUUID()
  parentId?: string | null
}

/**
 * Changes to a repository node: any of its fields; `parentId: null` makes it a root. A node
 * cannot become its own ancestor.
 *
 * @example
 * const update = await parseDto(RepoNodeUpdate, { summary: "The web site, in Astro." })
 */
export class RepoNodeUpdate {
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @StorableText()
  org?: string

  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @StorableText()
  repo?: string

  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(16)
  @StorableText()
  partitionType?: string

  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  @StorableText()
  name?: string

  @IsOptionalNotNull()
  @IsString()
  @MaxUtf8Bytes(LONG_TEXT_MAX_BYTES)
  @StorableText()
  summary?: string

  @IsOptionalNotNull()
  @IsString()
  @MaxUtf8Bytes(LONG_TEXT_MAX_BYTES)
  @StorableText()
  childrenSummaries?: string

  @IsOptionalNotNull()
  @IsString()
  @MaxUtf8Bytes(TEXT_MAX_BYTES)
  @StorableText()
  absPath?: string

  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @StorableText()
  branch?: string

  @IsOptional()
  @IsUUID()
  parentId?: string | null
}
