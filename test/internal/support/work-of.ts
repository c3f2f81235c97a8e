import type { Work } from "../../../src/internal/unit-of-work/work"

/** A flush's work with only the parts a test names; the others empty. */
export function workOf(parts: Partial<Work>): Work {
  return { inserts: [], updates: [], links: [], deletes: [], ...parts }
}
