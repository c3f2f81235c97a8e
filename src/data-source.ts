// The data source for the TypeORM CLI (`typeorm -d dist/src/data-source.js migration:run`).
// Importing this module builds it from the environment, so the package root never imports it.
import { createDataSource } from "./create-data-source"

export { createDataSource, getDataSource } from "./create-data-source"
export { dataSourceOptionsFromEnv } from "./data-source-options"

const dataSource = createDataSource()
export default dataSource
