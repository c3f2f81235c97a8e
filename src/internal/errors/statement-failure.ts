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

/** Runs a statement, wrapping what it throws with the table it touched. */
export async function onTable<T>(
  table: string | undefined,
  statement: () => Promise<T>,
): Promise<T> {
  try {
    return await statement()
  } catch (error) {
    if (error instanceof StatementFailure) throw error
    throw new StatementFailure(table, error)
  }
}
