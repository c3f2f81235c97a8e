import type { Target } from "./targets"

// Before each measurement: garbage collected, and the database's write-ahead log checkpointed,
// so no variant pays for the writes of the one before it.
export async function settle(target: Target): Promise<void> {
  global.gc?.()
  const raw = target.raw
  if (raw.kind === "sqlite") raw.db.pragma("wal_checkpoint(TRUNCATE)")
  else if (raw.kind === "postgres") await raw.pool.query("CHECKPOINT")
  await new Promise((resolve) => setTimeout(resolve, 100))
}
