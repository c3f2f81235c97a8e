import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from "@nestjs/common"
import { APP_FILTER, APP_INTERCEPTOR } from "@nestjs/core"
import type { DataSource } from "typeorm"
import { ConcreteDbExceptionFilter } from "./concrete-db-exception.filter"
import type {
  ConcreteDbModuleAsyncOptions,
  ConcreteDbModuleGlobals,
  ConcreteDbModuleOptions,
} from "./concrete-db-module-options"
import { openModuleDataSource } from "./open-module-data-source"
import { SessionFactory } from "./session-factory"
import { SessionInterceptor } from "./session.interceptor"
import { CONCRETE_DB_DATA_SOURCE, CONCRETE_DB_OPTIONS } from "./tokens"

/**
 * concrete-db in a NestJS application: the data source (built from the environment or the
 * options, initialized and migrated when the application starts, destroyed when it shuts down),
 * a session per HTTP request (`@InjectSession()`), `SessionFactory` for sessions elsewhere, and
 * `ConcreteDbExceptionFilter` mapping the package's errors to HTTP statuses. Global: import it
 * once, in the application module.
 *
 * @example
 * @Module({
 *   imports: [ConcreteDbModule.forRoot()], // DB_* / DATABASE_URL / .env, as getDataSource()
 *   controllers: [UsersController],
 * })
 * export class AppModule {}
 */
@Global()
@Module({})
export class ConcreteDbModule implements OnApplicationShutdown {
  constructor(@Inject(CONCRETE_DB_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The module with these options (none: the database the environment names). */
  static forRoot(options: ConcreteDbModuleOptions & ConcreteDbModuleGlobals = {}): DynamicModule {
    return ConcreteDbModule.build(
      [{ provide: CONCRETE_DB_OPTIONS, useValue: options }],
      [],
      options,
    )
  }

  /**
   * The module with options a factory returns, once the providers it injects are ready.
   *
   * @example
   * ConcreteDbModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ dataSource: { env: config.get("database") } }),
   * })
   */
  static forRootAsync(options: ConcreteDbModuleAsyncOptions): DynamicModule {
    return ConcreteDbModule.build(
      [
        {
          provide: CONCRETE_DB_OPTIONS,
          useFactory: options.useFactory,
          inject: [...(options.inject ?? [])],
        },
      ],
      options.imports ?? [],
      options,
    )
  }

  private static build(
    optionProviders: Provider[],
    imports: NonNullable<DynamicModule["imports"]>,
    globals: ConcreteDbModuleGlobals,
  ): DynamicModule {
    const providers: Provider[] = [
      ...optionProviders,
      {
        provide: CONCRETE_DB_DATA_SOURCE,
        useFactory: openModuleDataSource,
        inject: [CONCRETE_DB_OPTIONS],
      },
      SessionFactory,
      { provide: APP_INTERCEPTOR, useClass: SessionInterceptor },
    ]
    if (globals.exceptionFilter !== false) {
      providers.push({ provide: APP_FILTER, useClass: ConcreteDbExceptionFilter })
    }
    return {
      module: ConcreteDbModule,
      imports,
      providers,
      exports: [CONCRETE_DB_DATA_SOURCE, CONCRETE_DB_OPTIONS, SessionFactory],
    }
  }

  /** Destroys the data source once the HTTP server has stopped taking requests. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy()
  }
}
