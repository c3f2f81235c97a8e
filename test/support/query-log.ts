import type { Logger } from "typeorm"

/** A TypeORM logger that keeps every statement, for tests that count what was sent. */
export class QueryLog implements Logger {
  readonly queries: string[] = []
  private recording = false

  /** Records the statements `body` causes, and returns them. */
  async capture(body: () => Promise<unknown>): Promise<string[]> {
    this.queries.length = 0
    this.recording = true
    try {
      await body()
    } finally {
      this.recording = false
    }
    return [...this.queries]
  }

  logQuery(query: string): void {
    if (this.recording) this.queries.push(query)
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** Statements that are not transaction control. */
export function dataStatements(queries: readonly string[]): string[] {
  return queries.filter(
    (query) => !/^(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SET TRANSACTION)/i.test(query.trim()),
  )
}
