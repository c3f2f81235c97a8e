import type { DataSource } from "typeorm"
import { DriverUtils } from "typeorm/driver/DriverUtils"

const limits = new WeakMap<DataSource, number>()

/**
 * Reads the server's `max_allowed_packet` once per MySQL/MariaDB data source (a no-op on the
 * other databases), so that a flush can refuse a row that cannot fit one statement before it
 * writes anything.
 */
export async function loadPacketLimit(dataSource: DataSource): Promise<void> {
  if (limits.has(dataSource) || !DriverUtils.isMySQLFamily(dataSource.driver)) return
  const rows = await dataSource.query<{ m: unknown }[]>("SELECT @@max_allowed_packet AS m")
  const limit = Number(rows[0]?.m)
  if (Number.isFinite(limit) && limit > 0) limits.set(dataSource, limit)
}

/** The server's `max_allowed_packet` in bytes, once `loadPacketLimit` read it. */
export function packetLimitOf(dataSource: DataSource): number | undefined {
  return limits.get(dataSource)
}
