import { Inject, Injectable } from "@nestjs/common"
import type { DataSource } from "typeorm"
import { Session } from "../session"
import { withSession, withTransaction } from "../with-session"
import type { ConcreteDbModuleOptions } from "./concrete-db-module-options"
import { CONCRETE_DB_DATA_SOURCE, CONCRETE_DB_OPTIONS } from "./tokens"

/**
 * Opens sessions on the module's data source, for work outside a request handler (a scheduled
 * job, a queue consumer) or a service that manages its own transaction. In a handler,
 * `@InjectSession()` gives the request's session instead.
 *
 * @example
 * @Injectable()
 * class Cleanup {
 *   constructor(private readonly sessions: SessionFactory) {}
 *   run(): Promise<void> {
 *     return this.sessions.withTransaction(async (session) => {
 *       await deleteProject(session, projectId)
 *     })
 *   }
 * }
 */
@Injectable()
export class SessionFactory {
  constructor(
    @Inject(CONCRETE_DB_DATA_SOURCE) readonly dataSource: DataSource,
    @Inject(CONCRETE_DB_OPTIONS) private readonly options: ConcreteDbModuleOptions,
  ) {}

  /** A new session on the module's data source; close it (or `await using`) when done. */
  open(): Session {
    return new Session(this.dataSource, this.options.session)
  }

  /** `withSession` on the module's data source: runs `fn`, then closes without committing. */
  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return withSession(fn, this.dataSource)
  }

  /** `withTransaction` on the module's data source: commits when `fn` returns, rolls back when it throws. */
  withTransaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return withTransaction(fn, this.dataSource)
  }
}
