import type { Target } from "./targets"

export type Variant = "session" | "raw" | "typeorm"
export const VARIANTS: readonly Variant[] = ["session", "raw", "typeorm"]

export interface Sizes {
  readonly bulkMessages: number
  readonly singleMessages: number
  readonly readSeedMessages: number
  readonly readProjects: number
  readonly readQueries: number
  readonly graphs: number
  readonly memoryMessages: number
}

export const FULL: Sizes = {
  bulkMessages: 10_000,
  singleMessages: 1_000,
  readSeedMessages: 200_000,
  readProjects: 100,
  readQueries: 200,
  graphs: 1_000,
  memoryMessages: 100_000,
}

export const QUICK: Sizes = {
  bulkMessages: 2_000,
  singleMessages: 200,
  readSeedMessages: 20_000,
  readProjects: 20,
  readQueries: 50,
  graphs: 100,
  memoryMessages: 20_000,
}

/**
 * One workload: `prepare` runs once per database, then each variant's `run` is called once per
 * round and returns the milliseconds of the measured part.
 */
export interface Workload<State = unknown> {
  readonly id: string
  readonly title: string
  /** What one measurement is: "per commit of 10,000", "per query", ... */
  readonly unit: (sizes: Sizes) => string
  prepare(target: Target, sizes: Sizes): Promise<State>
  run(variant: Variant, target: Target, state: State, sizes: Sizes): Promise<number>
}
