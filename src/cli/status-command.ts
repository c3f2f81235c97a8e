import type { DataSource, QueryRunner } from "typeorm"
import { describeTarget } from "../data-source-options"
import { withSession } from "../with-session"
import type { Command } from "./command"
import { declaredMigrations, migrationState } from "./migration-state"
import { applicationDataSource, connect, missingSqliteFile } from "./open-database"

/**
 * `concrete-db status`: the database target (password masked), applied and pending migrations,
 * and the row count of every table. Writes nothing (a missing SQLite file stays missing).
 *
 * @example
 * // concrete-db status
 */
export const statusCommand: Command = {
  name: "status",
  summary: "Show the database, applied and pending migrations, and row counts",
  description: [
    "Shows which database the environment names (password masked), which migrations it has",
    "applied and which are pending, and how many rows each table holds. Changes nothing.",
  ].join("\n"),
  args: [],
  options: {},
  async run({ io }) {
    const dataSource = applicationDataSource(io)
    const target = describeTarget(dataSource.options)
    const missing = missingSqliteFile(dataSource)
    if (missing !== undefined) {
      const pending = declaredMigrations(dataSource)
      io.stdout(
        [
          `Database: ${target} (the file does not exist yet; "concrete-db migrate" creates it)`,
          `Migrations: 0 applied, ${pending.length} pending`,
          ...pending.map((name) => `  pending  ${name}`),
          "",
        ].join("\n"),
      )
      return
    }
    await connect(dataSource)
    try {
      const { applied, pending } = await migrationState(dataSource)
      const lines = [
        `Database: ${target}`,
        `Migrations: ${applied.length} applied, ${pending.length} pending`,
        ...applied.map((name) => `  applied  ${name}`),
        ...pending.map((name) => `  pending  ${name}`),
        "Rows:",
      ]
      const counts = await rowCounts(dataSource)
      const width = Math.max(0, ...counts.map(([table]) => table.length))
      for (const [table, count] of counts) {
        lines.push(`  ${table.padEnd(width)}  ${count ?? "(no table)"}`)
      }
      io.stdout(`${lines.join("\n")}\n`)
    } finally {
      await dataSource.destroy()
    }
  },
}

// Every entity and link table with its row count (undefined when the table does not exist),
// counted by a readOnly session on a server: on a read replica when DB_READ_REPLICAS lists one.
// SQLite keeps a plain query runner: a session's transaction there would take the write lock.
async function rowCounts(dataSource: DataSource): Promise<[string, number | undefined][]> {
  const tables = [...new Set(dataSource.entityMetadatas.map((metadata) => metadata.tableName))]
  if (dataSource.options.type === "better-sqlite3") {
    const runner = dataSource.createQueryRunner()
    try {
      return await countRows(dataSource, runner, tables)
    } finally {
      await runner.release()
    }
  }
  return withSession(
    async (session) => {
      await session.begin()
      return countRows(dataSource, session.manager.queryRunner!, tables)
    },
    dataSource,
    { readOnly: true },
  )
}

async function countRows(
  dataSource: DataSource,
  runner: QueryRunner,
  tables: string[],
): Promise<[string, number | undefined][]> {
  const counts: [string, number | undefined][] = []
  for (const table of tables.sort()) {
    if (!(await runner.hasTable(table))) {
      counts.push([table, undefined])
      continue
    }
    const rows = (await runner.query(
      `SELECT COUNT(*) AS ${dataSource.driver.escape("n")} FROM ${dataSource.driver.escape(table)}`,
    )) as { n: number | string }[]
    counts.push([table, Number(rows[0]?.n ?? 0)])
  }
  return counts
}
