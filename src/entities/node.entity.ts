import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany } from "typeorm"
import { MetadataEntity } from "../mixins/metadata-entity"

/** A node of a tree; deleting a node deletes its whole subtree. */
@Entity("node")
export class Node extends MetadataEntity {
  @Column({ name: "parent_id", type: "uuid", nullable: true })
  @Index()
  parentId?: string | null

  @ManyToOne(() => Node, (node) => node.children, { onDelete: "CASCADE" })
  @JoinColumn({ name: "parent_id" })
  parent?: Node | null

  @OneToMany(() => Node, (node) => node.parent)
  children?: Node[]
}
