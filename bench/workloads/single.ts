import type { Database as SqliteDatabase } from "better-sqlite3"
import { Session } from "../../src"
import {
  inServerTransaction,
  insertMessagesSql,
  messageRow,
  newMessage,
  prepared,
  newProject,
  seedOwners,
  type Owners,
} from "../data"
import { nowMs } from "../stats"
import type { Target } from "../targets"
import type { Workload } from "../workload"

/**
 * W2: messages written one at a time, each in its own session and commit, as an agent does. Two
 * floors: `raw` wraps each INSERT in BEGIN/COMMIT, `raw-autocommit` sends the INSERT alone (the
 * database commits it by itself).
 */
export const single: Workload<Owners> = {
  id: "W2",
  title: "one at a time",
  unit: (sizes) => `${sizes.singleMessages.toLocaleString("en")} commits of one message`,
  autocommitFloor: true,
  prepare: (target) => seedOwners(target, 1),
  async run(variant, target, owners, sizes) {
    const projectId = await newProject(target, owners)
    const count = sizes.singleMessages
    const start = nowMs()
    for (let i = 0; i < count; i += 1) {
      if (variant === "raw") {
        await rawOne(target, i, projectId, owners)
        continue
      }
      if (variant === "raw-autocommit") {
        await rawAlone(target, messageRow(target.kind, i, projectId, owners))
        continue
      }
      const message = newMessage(i, projectId, owners)
      if (variant === "session") {
        const session = new Session(target.dataSource)
        session.add(message)
        await session.commit()
        await session.close()
      } else {
        await target.dataSource.manager.save(message)
      }
    }
    return nowMs() - start
  },
}

async function rawOne(target: Target, i: number, projectId: string, owners: Owners): Promise<void> {
  const raw = target.raw
  if (raw.kind === "sqlite") {
    rawSqlite(raw.db).begin.run()
    rawSqlite(raw.db).insert.run(...messageRow("sqlite", i, projectId, owners))
    rawSqlite(raw.db).commit.run()
    return
  }
  await inServerTransaction(raw, (execute) =>
    execute(insertMessagesSql(target.kind, 1), messageRow(target.kind, i, projectId, owners)),
  )
}

/**
 * One row's INSERT alone, in autocommit: the fastest honest single-row commit of each driver (a
 * prepared statement on SQLite; the pool's own `query` on PostgreSQL and MariaDB).
 */
export async function rawAlone(target: Target, row: unknown[]): Promise<void> {
  const raw = target.raw
  const sql = insertMessagesSql(target.kind, 1)
  if (raw.kind === "sqlite") prepared(raw.db, sql).run(...row)
  else if (raw.kind === "postgres") await raw.pool.query(sql, row)
  else await raw.pool.query(sql, row)
}

const statements = new WeakMap<
  object,
  {
    begin: { run(): unknown }
    insert: { run(...p: unknown[]): unknown }
    commit: { run(): unknown }
  }
>()

function rawSqlite(db: SqliteDatabase) {
  let cached = statements.get(db)
  if (!cached) {
    cached = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      insert: db.prepare(insertMessagesSql("sqlite", 1)),
      commit: db.prepare("COMMIT"),
    }
    statements.set(db, cached)
  }
  return cached
}
