import { createParamDecorator, type ExecutionContext } from "@nestjs/common"
import { SessionStateError } from "../errors"
import type { Session } from "../session"
import type { RequestSession } from "./request-session"
import { REQUEST_SESSION } from "./tokens"

/**
 * A handler parameter: the request's `Session`, opened on first use and closed after the handler
 * (by `SessionInterceptor`, which `ConcreteDbModule` registers). Commit what should stay; what is
 * not committed is rolled back.
 *
 * @example
 * @Post()
 * async create(@InjectSession() session: Session, @Body() body: UserCreate) {
 *   const user = await createUser(session, body)
 *   await session.commit()
 *   return user
 * }
 */
export const InjectSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Session => {
    const request = context.switchToHttp().getRequest<Record<symbol, RequestSession | undefined>>()
    const requestSession = request[REQUEST_SESSION]
    if (!requestSession) {
      throw new SessionStateError(
        "@InjectSession() found no session for this request; import ConcreteDbModule.forRoot() (or forRootAsync()) in the application module, whose SessionInterceptor opens one per HTTP request, or use SessionFactory outside HTTP handlers.",
      )
    }
    return requestSession.session
  },
)
