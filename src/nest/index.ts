// concrete-db/nest: NestJS (optional peer dependencies) meets concrete-db. The package root never
// imports this folder, so concrete-db installs and imports without NestJS.
import "reflect-metadata"

export { ConcreteDbModule } from "./concrete-db.module"
export {
  type ConcreteDbModuleOptions,
  type ConcreteDbModuleAsyncOptions,
  type ConcreteDbModuleGlobals,
} from "./concrete-db-module-options"
export { SessionFactory } from "./session-factory"
export { SessionInterceptor } from "./session.interceptor"
export { InjectSession } from "./inject-session.decorator"
export {
  ConcreteDbExceptionFilter,
  concreteDbHttpError,
  type ConcreteDbHttpError,
} from "./concrete-db-exception.filter"
export { CONCRETE_DB_DATA_SOURCE, CONCRETE_DB_OPTIONS } from "./tokens"
