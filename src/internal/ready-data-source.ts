import type { DataSource } from "typeorm"
import { loadPacketLimit } from "./drivers/mysql/mysql-packet-limit"
import { adaptPortableColumns } from "./portable-types"

const initializing = new WeakMap<DataSource, Promise<DataSource>>()
const limitsRead = new WeakMap<DataSource, Promise<void>>()
// Data sources whose readying finished: later sessions take them without awaiting anything.
const ready = new WeakSet<DataSource>()

/** The data source when it is initialized and was readied before (no await needed), or undefined. */
export function readyNow(dataSource: DataSource): DataSource | undefined {
  return dataSource.isInitialized && ready.has(dataSource) ? dataSource : undefined
}

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
  ready.add(dataSource)
  return dataSource
}
