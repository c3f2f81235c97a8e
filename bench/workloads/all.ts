import type { Workload } from "../workload"
import { bulk } from "./bulk"
import { graph } from "./graph"
import { pages } from "./pages"
import { read } from "./read"
import { saveMessages } from "./save-messages"
import { single } from "./single"

/** Every timed workload, in the order the bench runs them. */
export const WORKLOADS: readonly Workload<never>[] = [
  bulk,
  single,
  read,
  graph,
  ...pages,
  saveMessages,
] as unknown as Workload<never>[]
