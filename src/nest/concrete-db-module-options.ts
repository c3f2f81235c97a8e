import type { DynamicModule, InjectionToken, OptionalFactoryDependency } from "@nestjs/common"
import type { DataSourceExtra } from "../create-data-source"
import type { SessionOptions } from "../session"

/** What `ConcreteDbModule.forRoot` (or the factory of `forRootAsync`) is given. */
export interface ConcreteDbModuleOptions {
  /**
   * Passed to `createDataSource`: entities and migrations of your own, `env` to read instead of
   * `process.env` and `.env`, or any TypeORM option. Default: the database the environment names
   * (`DB_*`, `DATABASE_URL`, `.env`), with every entity class declared so far, as `getDataSource()`.
   */
  readonly dataSource?: DataSourceExtra
  /** Apply pending migrations when the application starts, as `getDataSource()` does. Default true. */
  readonly migrate?: boolean
  /**
   * Options of the sessions `@InjectSession()` and `SessionFactory.open()` give (`lockTimeoutMs`
   * on SQLite); `SessionFactory.withSession`/`withTransaction` use the defaults, as the package's.
   */
  readonly session?: SessionOptions
}

/** Whether the module registers its interceptor and exception filter for the whole application. */
export interface ConcreteDbModuleGlobals {
  /**
   * Register `ConcreteDbExceptionFilter` for the whole application (`APP_FILTER`). Default true;
   * false to register it yourself (`@UseFilters`, `app.useGlobalFilters`) or map errors your way.
   */
  readonly exceptionFilter?: boolean
}

/** What `ConcreteDbModule.forRootAsync` is given: a factory of the options and what it needs. */
export interface ConcreteDbModuleAsyncOptions extends ConcreteDbModuleGlobals {
  /** Modules whose providers the factory injects (a configuration module, say). */
  readonly imports?: DynamicModule["imports"]
  /** The providers passed to `useFactory`, in order. */
  readonly inject?: ReadonlyArray<InjectionToken | OptionalFactoryDependency>
  readonly useFactory: (
    ...args: never[]
  ) => ConcreteDbModuleOptions | Promise<ConcreteDbModuleOptions>
}
