/**
 * The injection token of the module's initialized `DataSource`.
 *
 * @example
 * constructor(@Inject(CONCRETE_DB_DATA_SOURCE) private readonly dataSource: DataSource) {}
 */
export const CONCRETE_DB_DATA_SOURCE = Symbol("concrete-db:data-source")

/** The injection token of the options `ConcreteDbModule.forRoot`/`forRootAsync` was given. */
export const CONCRETE_DB_OPTIONS = Symbol("concrete-db:options")

/** Where `SessionInterceptor` keeps a request's session (on the request object). */
export const REQUEST_SESSION = Symbol("concrete-db:request-session")
