import type { DataSource } from "typeorm"
import { adaptPortableColumns } from "./portable-types"

const initializing = new WeakMap<DataSource, Promise<DataSource>>()

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
  return dataSource
}
