import type { QueryRunner } from "typeorm"
import type { Connection } from "../../../src/internal/drivers/connection"

export interface RecordedStatement {
  readonly sql: string
  readonly params: readonly unknown[]
}

/**
 * A `Connection` that runs nothing: it records each `run(sql, params)` and answers with what
 * `affected` says (1 row by default), or throws what it says.
 */
export class RecordingConnection implements Connection {
  readonly statements: RecordedStatement[] = []
  inTransaction = true

  constructor(private readonly affected: (statement: RecordedStatement) => number = () => 1) {}

  get queryRunner(): QueryRunner {
    throw new Error("the recording connection has no query runner")
  }

  begin(): Promise<void> {
    this.inTransaction = true
    return Promise.resolve()
  }

  run(sql: string, params: readonly unknown[]): Promise<number> {
    const statement = { sql, params: [...params] }
    this.statements.push(statement)
    try {
      return Promise.resolve(this.affected(statement))
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  rows(): Promise<unknown[][]> {
    return Promise.reject(new Error("the recording connection reads nothing"))
  }

  commit(): Promise<void> {
    this.inTransaction = false
    return Promise.resolve()
  }

  rollback(): Promise<void> {
    this.inTransaction = false
    return Promise.resolve()
  }

  release(): Promise<void> {
    return Promise.resolve()
  }

  /** The statements whose SQL starts with `verb` (INSERT, UPDATE, DELETE). */
  starting(verb: string): RecordedStatement[] {
    return this.statements.filter((statement) => statement.sql.startsWith(verb))
  }
}
