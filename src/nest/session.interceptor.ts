import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from "@nestjs/common"
import { concat, defer, from, type Observable, throwError } from "rxjs"
import { catchError, finalize, ignoreElements } from "rxjs/operators"
import { RequestSession } from "./request-session"
import { SessionFactory } from "./session-factory"
import { REQUEST_SESSION } from "./tokens"

/**
 * Gives each HTTP request a session of its own (`@InjectSession()` in a handler) and closes it
 * after the handler: before the response is sent when the handler returns or throws (so an
 * uncommitted change is rolled back and, on SQLite, the connection is free for the next request),
 * and when the client goes away from a streamed response. `ConcreteDbModule` registers it for the
 * whole application.
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  constructor(private readonly sessions: SessionFactory) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== "http") return next.handle()
    const request = context.switchToHttp().getRequest<Record<symbol, unknown>>()
    const requestSession = new RequestSession(() => this.sessions.open())
    request[REQUEST_SESSION] = requestSession
    const close = (): Observable<never> => from(requestSession.close()).pipe(ignoreElements())
    return concat(next.handle(), defer(close)).pipe(
      catchError((error: unknown) =>
        concat(
          // A failure to close must not hide the handler's error.
          from(requestSession.close().catch(() => undefined)).pipe(ignoreElements()),
          throwError(() => error),
        ),
      ),
      // Unsubscribed early (the client went away): close without waiting.
      finalize(() => void requestSession.close().catch(() => undefined)),
    )
  }
}
