// The data source for the TypeORM CLI, in a clone (`npm run migration:run`) and in an application
// that installed the package:
//   DB_ENTITIES='dist/models/*.js' DB_MIGRATIONS='dist/migrations/*.js' \
//     npx typeorm -d node_modules/concrete-db/dist/src/data-source.js migration:run
// It holds the built-in entities and migrations, the classes of the DB_ENTITIES files (and every
// entity they declare) and the migrations of the DB_MIGRATIONS files, globs relative to the
// working directory. Importing this module builds it from the environment, so the package root
// never imports it.
import { createDataSource } from "./create-data-source"

export { createDataSource, getDataSource } from "./create-data-source"
export { dataSourceOptionsFromEnv } from "./data-source-options"

const dataSource = createDataSource({ allDeclaredEntities: true })
export default dataSource
