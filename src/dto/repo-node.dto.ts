import { IsOptional, IsUUID } from "class-validator"
import { IsOptionalNotNull, LONG_TEXT_MAX_BYTES, TEXT_MAX_BYTES } from "./validators"
import { NonEmptyText, SizedText, Text } from "./field-rules"

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
  @NonEmptyText(255)
  org!: string

  @NonEmptyText(255)
  repo!: string

  @NonEmptyText(16)
  partitionType!: string

  @Text(255)
  name!: string

  @SizedText(LONG_TEXT_MAX_BYTES)
  summary!: string

  @SizedText(LONG_TEXT_MAX_BYTES)
  childrenSummaries!: string

  @SizedText(TEXT_MAX_BYTES)
  absPath!: string

  @NonEmptyText(255)
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
  @NonEmptyText(255)
  org?: string

  @IsOptionalNotNull()
  @NonEmptyText(255)
  repo?: string

  @IsOptionalNotNull()
  @NonEmptyText(16)
  partitionType?: string

  @IsOptionalNotNull()
  @Text(255)
  name?: string

  @IsOptionalNotNull()
  @SizedText(LONG_TEXT_MAX_BYTES)
  summary?: string

  @IsOptionalNotNull()
  @SizedText(LONG_TEXT_MAX_BYTES)
  childrenSummaries?: string

  @IsOptionalNotNull()
  @SizedText(TEXT_MAX_BYTES)
  absPath?: string

  @IsOptionalNotNull()
  @NonEmptyText(255)
  branch?: string

  @IsOptional()
  @IsUUID()
  parentId?: string | null
}
