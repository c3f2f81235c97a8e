import type { DataSource } from "typeorm"
import { loadPacketLimit } from "./drivers/mysql/mysql-packet-limit"
import { adaptPortableColumns } from "./portable-types"

const initializing = new WeakMap<DataSource, Promise<DataSource>>()
const limitsRead = new WeakMap<DataSource, Promise<void>>()

/**
 * The data source, initialized: sessions that start together share one attempt, and a failed
 * attempt (a server that is down) is forgotten, so the next session tries again.
 */
export async function readyDataSource(dataSource: DataSource): Promise<DataSource> {
  if (!dataSource.isInitialized) {
    let pending = initializing.get(dataSource)
    if (!pending) {
      pending = dataSource.initialize().finally(() => initializing.delete(dataSource))
      initializing.set(dataSource, pending)
    }
    await pending
  }
  adaptPortableColumns(dataSource)
  // MySQL/MariaDB: the packet limit, once, so a flush refuses a row that cannot fit it.
  let limit = limitsRead.get(dataSource)
  if (!limit) {
    limit = loadPacketLimit(dataSource).catch((error: unknown) => {
      limitsRead.delete(dataSource)
      throw error
    })
    limitsRead.set(dataSource, limit)
  }
  await limit
  return dataSource
}
