import type { Target } from "./targets"

export type Variant = "session" | "raw" | "raw-autocommit" | "typeorm"
export const VARIANTS: readonly Variant[] = ["session", "raw", "typeorm"]

export interface Sizes {
  readonly bulkMessages: number
  readonly singleMessages: number
  readonly readSeedMessages: number
  readonly readProjects: number
  readonly readQueries: number
  readonly graphs: number
  readonly memoryMessages: number
  readonly orchestratorRuns: number
}

export const FULL: Sizes = {
  bulkMessages: 10_000,
  singleMessages: 1_000,
  readSeedMessages: 200_000,
  readProjects: 100,
  readQueries: 200,
  graphs: 1_000,
  memoryMessages: 100_000,
  orchestratorRuns: 200,
}

export const QUICK: Sizes = {
  bulkMessages: 2_000,
  singleMessages: 200,
  readSeedMessages: 20_000,
  readProjects: 20,
  readQueries: 50,
  graphs: 100,
  memoryMessages: 20_000,
  orchestratorRuns: 50,
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
  /**
   * A second floor beside `raw`, measured whenever `raw` is: `raw-autocommit`, the raw driver
   * sending a commit's one statement alone (no BEGIN/COMMIT), where a workload commits one.
   */
  readonly autocommitFloor?: boolean
  /** The variants the workload has, when not all of them (the others are not measured). */
  readonly variants?: readonly Variant[]
  prepare(target: Target, sizes: Sizes): Promise<State>
  run(variant: Variant, target: Target, state: State, sizes: Sizes): Promise<number>
}
