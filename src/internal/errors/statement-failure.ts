/**
 * A statement of a flush or a read failed. Carries the table it touched, so the session can name
 * the entity when it translates the driver's error (`cause`), which many drivers leave out.
 */
export class StatementFailure extends Error {
  constructor(
    readonly table: string | undefined,
    override readonly cause: unknown,
  ) {
    super(`a statement on ${table ?? "the database"} failed`)
    this.name = "StatementFailure"
  }
}

/**
 * What a statement on `table` threw, wrapped with the table it touched (unless it names one
 * already). Thrown from the caller's own `catch`: no closure and no promise per statement.
 */
export function failedOn(table: string | undefined, error: unknown): StatementFailure {
  return error instanceof StatementFailure ? error : new StatementFailure(table, error)
}
