import { Column, Entity, PrimaryColumn, VersionColumn } from "typeorm"

/**
 * Test-only entities for cases the built-in ones do not cover. They join the built-in entities
 * only in the offline data sources of `offline-plans.ts`; no table is ever created for them.
 */

/** A composite primary key of two columns. */
@Entity("test_pair")
export class TestPair {
  @PrimaryColumn({ name: "left_key", type: "varchar", length: 32 })
  leftKey!: string

  @PrimaryColumn({ name: "right_key", type: "varchar", length: 32 })
  rightKey!: string

  @Column({ type: "varchar", length: 64, nullable: true })
  label?: string | null
}

/** A column with a database default (an expression, not a literal): left out of an INSERT when unset. */
@Entity("test_defaulted")
export class TestDefaulted {
  @PrimaryColumn({ type: "uuid" })
  id!: string

  @Column({ type: "varchar", length: 64 })
  name!: string

  @Column({ type: "integer", default: () => "42" })
  score?: number
}

/** A `@VersionColumn` (optimistic concurrency), a float column, a secret one, an unsized varchar. */
@Entity("test_versioned")
export class TestVersioned {
  @PrimaryColumn({ type: "uuid" })
  id!: string

  @Column({ type: "varchar", length: 8 })
  title!: string

  @Column({ type: "double precision", nullable: true })
  ratio?: number | null

  @Column({ name: "api_key", type: "varchar", length: 64, nullable: true })
  apiKey?: string | null

  @Column({ type: "varchar", nullable: true })
  remark?: string | null

  @VersionColumn({ type: "integer" })
  version!: number
}

export const TEST_ENTITIES = [TestPair, TestDefaulted, TestVersioned] as const
