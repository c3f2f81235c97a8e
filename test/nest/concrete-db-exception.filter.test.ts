import {
  CheckViolationError,
  ConcreteDbError,
  ConfigurationError,
  ConnectionError,
  ForeignKeyViolationError,
  MissingTableError,
  NotFoundError,
  NotNullViolationError,
  QueryError,
  SessionStateError,
  StaleUpdateError,
  UniqueViolationError,
  ValidationError,
} from "../../src"
import { concreteDbHttpError } from "../../src/nest"

// The mapping alone, for every error class (the HTTP tests cover 400, 404, 409 and 500 end to end).
describe("concreteDbHttpError", () => {
  it("answers a ValidationError with 400 and its issues", () => {
    const issues = [{ property: "UserCreate.email", reasons: ["email must be an email"] }]
    expect(concreteDbHttpError(new ValidationError(issues))).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: "Bad Request",
        message: "Invalid input: UserCreate.email email must be an email.",
        issues,
      },
    })
  })

  it("answers a NotFoundError with 404 and its message", () => {
    expect(concreteDbHttpError(new NotFoundError("User 1 does not exist."))).toEqual({
      status: 404,
      body: { statusCode: 404, error: "Not Found", message: "User 1 does not exist." },
    })
  })

  it("answers a unique violation and a stale update with 409", () => {
    const unique = new UniqueViolationError("User.email is already taken.", { table: "user" })
    const stale = new StaleUpdateError("Article", "0190", 2)
    for (const error of [unique, stale]) {
      expect(concreteDbHttpError(error)).toEqual({
        status: 409,
        body: { statusCode: 409, error: "Conflict", message: error.message },
      })
    }
  })

  it("answers every other error with a bare 500 that repeats none of its message", () => {
    const others = [
      new ForeignKeyViolationError("Project.orchestratorId refers to nothing.", {}),
      new CheckViolationError("Message breaks the check.", {}),
      new NotNullViolationError("User.email is required.", {}),
      new QueryError('The database refused a statement: SELECT "secret" FROM "t".'),
      new ConnectionError("Could not connect to postgres://app:***@db:5432/app."),
      new ConfigurationError(["DB_PORT must be a port number"]),
      new SessionStateError("The session is closed."),
      new MissingTableError("Note", "note", 'Note\'s table "note" does not exist.'),
      new ConcreteDbError("Could not open sqlite:/srv/app.db."),
    ]
    for (const error of others) {
      expect(concreteDbHttpError(error)).toEqual({
        status: 500,
        body: { statusCode: 500, error: "Internal Server Error", message: "Internal server error" },
      })
    }
  })
})
