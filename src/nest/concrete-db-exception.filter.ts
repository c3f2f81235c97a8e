import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpStatus,
  Inject,
  Logger,
} from "@nestjs/common"
import { HttpAdapterHost } from "@nestjs/core"
import {
  ConcreteDbError,
  NotFoundError,
  StaleUpdateError,
  UniqueViolationError,
  ValidationError,
} from "../errors"

/** The HTTP answer for an error of concrete-db: a status and a JSON body. */
export interface ConcreteDbHttpError {
  readonly status: number
  readonly body: {
    readonly statusCode: number
    readonly error: string
    readonly message: string
    readonly issues?: ValidationError["issues"]
  }
}

const INTERNAL: ConcreteDbHttpError = {
  status: HttpStatus.INTERNAL_SERVER_ERROR,
  body: { statusCode: 500, error: "Internal Server Error", message: "Internal server error" },
}

/**
 * The HTTP answer for an error of concrete-db, in Nest's `{ statusCode, error, message }` shape:
 * `ValidationError` 400 with its `issues`; `NotFoundError` 404; `UniqueViolationError` and
 * `StaleUpdateError` 409 (the request conflicts with a row, or with another change of it);
 * any other 500 with a fixed message, so that no SQL, host name or schema detail reaches the
 * client. The messages of 400, 404 and 409 name properties and values, never a secret's value.
 *
 * @example
 * concreteDbHttpError(new NotFoundError("User 0190… does not exist.")).status // 404
 */
export function concreteDbHttpError(error: ConcreteDbError): ConcreteDbHttpError {
  const answer = (status: HttpStatus, name: string) => ({
    status,
    body: { statusCode: status, error: name, message: error.message },
  })
  if (error instanceof ValidationError) {
    const bad = answer(HttpStatus.BAD_REQUEST, "Bad Request")
    return { ...bad, body: { ...bad.body, issues: error.issues } }
  }
  if (error instanceof NotFoundError) return answer(HttpStatus.NOT_FOUND, "Not Found")
  if (error instanceof UniqueViolationError || error instanceof StaleUpdateError) {
    return answer(HttpStatus.CONFLICT, "Conflict")
  }
  return INTERNAL
}

/**
 * Answers every `ConcreteDbError` a handler throws as `concreteDbHttpError` says; a 500 is logged
 * (the error's message and stack, which never hold a password) with Nest's `Logger`. Errors of
 * other kinds go on to Nest's own handling. `ConcreteDbModule` registers it for the whole
 * application unless `exceptionFilter: false`.
 *
 * @example
 * app.useGlobalFilters(new ConcreteDbExceptionFilter(app.get(HttpAdapterHost)))
 */
@Catch(ConcreteDbError)
export class ConcreteDbExceptionFilter implements ExceptionFilter<ConcreteDbError> {
  private readonly logger = new Logger("ConcreteDb")

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: ConcreteDbError, host: ArgumentsHost): void {
    const { status, body } = concreteDbHttpError(error)
    if (status >= 500) this.logger.error(error.message, error.stack)
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, status)
  }
}
