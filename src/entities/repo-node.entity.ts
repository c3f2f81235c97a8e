import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany } from "typeorm"
import { LongTextColumn } from "../decorators/long-text-column.decorator"
import { MetadataEntity } from "../mixins/metadata-entity"

/**
 * A directory or file of a repository branch with its summary, as a tree: deleting a node deletes
 * its subtree. Indexed for lookups by organisation, repository and branch.
 */
@Entity("repo_node")
@Index(["org", "repo"])
export class RepoNode extends MetadataEntity {
  @Column({ type: "varchar", length: 255 })
  @Index()
  org!: string

  @Column({ type: "varchar", length: 255 })
  @Index()
  repo!: string

  @Column({ name: "partition_type", type: "varchar", length: 16 })
  partitionType!: string

  @Column({ type: "varchar", length: 255 })
  name!: string

  @LongTextColumn()
  summary!: string

  @LongTextColumn({ name: "children_summaries" })
  childrenSummaries!: string

  @Column({ name: "abs_path", type: "text" })
  absPath!: string

  @Column({ type: "varchar", length: 255 })
  @Index()
  branch!: string

  @Column({ name: "parent_id", type: "uuid", nullable: true })
  @Index()
  parentId?: string | null

  @ManyToOne(() => RepoNode, (node) => node.children, { onDelete: "CASCADE" })
  @JoinColumn({ name: "parent_id" })
  parent?: RepoNode | null

  @OneToMany(() => RepoNode, (node) => node.parent)
  children?: RepoNode[]
}
