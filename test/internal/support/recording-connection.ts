import type { DataSource, QueryRunner } from "typeorm"
import type { Connection } from "../../../src/internal/drivers/connection"

export interface RecordedStatement {
  readonly sql: string
  readonly params: readonly unknown[]
}

/**
 * A `Connection` that runs nothing: it records each `run(sql, params)` and answers with what
 * `affected` says (1 row by default), or throws what it says. `runAlone` answers the same way and
 * records in `sentAlone`; BEGIN, COMMIT and ROLLBACK are recorded in `transactions`.
 */
export class RecordingConnection implements Connection {
  readonly statements: RecordedStatement[] = []
  readonly sentAlone: RecordedStatement[] = []
  readonly transactions: string[] = []
  inTransaction = true

  constructor(private readonly affected: (statement: RecordedStatement) => number = () => 1) {}

  get dataSource(): DataSource {
    throw new Error("the recording connection has no data source")
  }

  get queryRunner(): QueryRunner {
    throw new Error("the recording connection has no query runner")
  }

  begin(): Promise<void> {
    if (!this.inTransaction) this.transactions.push("BEGIN")
    this.inTransaction = true
    return Promise.resolve()
  }

  run(sql: string, params: readonly unknown[]): Promise<number> {
    return this.answer(this.statements, sql, params)
  }

  runAlone(sql: string, params: readonly unknown[]): Promise<number> {
    return this.answer(this.sentAlone, sql, params)
  }

  private answer(
    log: RecordedStatement[],
    sql: string,
    params: readonly unknown[],
  ): Promise<number> {
    const statement = { sql, params: [...params] }
    log.push(statement)
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
    if (this.inTransaction) this.transactions.push("COMMIT")
    this.inTransaction = false
    return Promise.resolve()
  }

  rollback(): Promise<void> {
    if (this.inTransaction) this.transactions.push("ROLLBACK")
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
