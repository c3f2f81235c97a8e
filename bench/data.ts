import type { ExecuteValues } from "mysql2/promise"
import type { Database as SqliteDatabase, Statement } from "better-sqlite3"
import { Message, Operator, Orchestrator, Project, Session, User, uuidv7 } from "../src"
import type { RawDriver, Target } from "./targets"

let sequence = 0
export function nextName(prefix: string): string {
  sequence += 1
  return `${prefix}${process.pid}x${sequence}`
}

const FILLER = "The developer wrote the component and the executive reviewed it; ".repeat(5)

/** About 300 bytes of message JSON, different for every i. */
export function messageContent(i: number): string {
  return JSON.stringify({
    type: "textmessage",
    index: i,
    text: FILLER.slice(0, 250 - String(i).length),
  })
}

/** A user, an orchestrator, one operator, and `projects` projects: the owners of messages. */
export interface Owners {
  readonly userId: string
  readonly orchestratorId: string
  readonly operatorId: string
  readonly projectIds: string[]
}

export async function seedOwners(target: Target, projects: number): Promise<Owners> {
  await using session = new Session(target.dataSource)
  const user = session.add(Object.assign(new User(), { email: `${nextName("bench")}@example.com` }))
  const orchestrator = session.add(
    Object.assign(new Orchestrator(), { type: "software", name: nextName("orch"), user }),
  )
  const operator = session.add(
    Object.assign(new Operator(), {
      name: "Developer",
      title: "developer",
      instructions: "Write code.",
      orchestrator,
    }),
  )
  const created = Array.from({ length: projects }, () =>
    session.add(Object.assign(new Project(), { name: nextName("project"), orchestrator })),
  )
  await session.commit()
  return {
    userId: user.id,
    orchestratorId: orchestrator.id,
    operatorId: operator.id,
    projectIds: created.map((project) => project.id),
  }
}

/** A new project of the owners' orchestrator, so every run writes into an empty project. */
export async function newProject(target: Target, owners: Owners): Promise<string> {
  await using session = new Session(target.dataSource)
  const project = session.add(
    Object.assign(new Project(), {
      name: nextName("project"),
      orchestratorId: owners.orchestratorId,
    }),
  )
  await session.commit()
  return project.id
}

/** Message `i` of a project as an entity, senders alternating between the user and the operator. */
export function newMessage(i: number, projectId: string, owners: Owners): Message {
  return Object.assign(new Message(), {
    type: "textmessage",
    content: messageContent(i),
    projectId,
    ...(i % 2 === 0 ? { userId: owners.userId } : { operatorId: owners.operatorId }),
  })
}

export const MESSAGE_COLUMNS = [
  "id",
  "created_at",
  "updated_at",
  "type",
  "content",
  "prompt",
  "status",
  "project_id",
  "user_id",
  "operator_id",
] as const

/** A date as the raw drivers bind it: SQLite stores the package's timestamps as UTC text. */
export function driverDate(kind: Target["kind"], date: Date): Date | string {
  return kind === "sqlite" ? date.toISOString().replace("T", " ").replace("Z", "") : date
}

/** A message row as the raw drivers bind it; dates in the driver's form. */
export function messageRow(
  kind: Target["kind"],
  i: number,
  projectId: string,
  owners: Owners,
  now: Date = new Date(),
): unknown[] {
  const date = driverDate(kind, now)
  const byUser = i % 2 === 0
  return [
    uuidv7(),
    date,
    date,
    "textmessage",
    messageContent(i),
    null,
    "init",
    projectId,
    byUser ? owners.userId : null,
    byUser ? null : owners.operatorId,
  ]
}

export function quote(kind: Target["kind"], name: string): string {
  return kind === "mariadb" ? `\`${name}\`` : `"${name}"`
}

/** `INSERT INTO message (...) VALUES (...), ...` for `rows` rows in the driver's placeholder style. */
export function insertMessagesSql(kind: Target["kind"], rows: number): string {
  const columns = MESSAGE_COLUMNS.map((column) => quote(kind, column)).join(", ")
  let parameter = 0
  const values = Array.from({ length: rows }, () => {
    const slots = MESSAGE_COLUMNS.map(() => (kind === "postgres" ? `$${++parameter}` : "?"))
    return `(${slots.join(", ")})`
  })
  return `INSERT INTO ${quote(kind, "message")} (${columns}) VALUES ${values.join(", ")}`
}

/** Rows per INSERT statement when the read workloads seed their messages. */
const SEED_ROWS_PER_INSERT = 500

/**
 * Seeds `total` message rows for the read workloads straight through the raw driver, then
 * refreshes the planner's statistics; `place(i)` gives row i's project and creation time.
 */
export async function seedMessageRows(
  target: Target,
  owners: Owners,
  total: number,
  place: (i: number) => { readonly projectId: string; readonly createdAt: Date },
): Promise<void> {
  const kind = target.kind
  const chunk = SEED_ROWS_PER_INSERT
  const rowsFor = (start: number, count: number): unknown[] =>
    Array.from({ length: count }, (_, offset) => {
      const { projectId, createdAt } = place(start + offset)
      return messageRow(kind, start + offset, projectId, owners, createdAt)
    }).flat()
  const raw = target.raw
  if (raw.kind === "sqlite") {
    const insert = raw.db.prepare(insertMessagesSql(kind, chunk))
    raw.db.transaction(() => {
      for (let start = 0; start < total; start += chunk) insert.run(...rowsFor(start, chunk))
    })()
    raw.db.exec("ANALYZE")
    return
  }
  for (let start = 0; start < total; start += chunk) {
    const count = Math.min(chunk, total - start)
    if (raw.kind === "postgres")
      await raw.pool.query(insertMessagesSql(kind, count), rowsFor(start, count))
    else await raw.pool.query(insertMessagesSql(kind, count), rowsFor(start, count))
  }
  if (raw.kind === "postgres") await raw.pool.query("ANALYZE message")
  else await raw.pool.query("ANALYZE TABLE message")
}

const statementCache = new WeakMap<object, Map<string, Statement>>()

/** A prepared statement of the raw SQLite connection, prepared once (as a careful user would). */
export function prepared(db: SqliteDatabase, sql: string): Statement {
  let cache = statementCache.get(db)
  if (!cache) statementCache.set(db, (cache = new Map<string, Statement>()))
  let statement = cache.get(sql)
  if (!statement) cache.set(sql, (statement = db.prepare(sql)))
  return statement
}

type Execute = (sql: string, params: readonly unknown[]) => Promise<void>

// The raw side's own choice, the same as the Session's threshold in mysql-connection.ts.
const BINARY_FROM_VALUES = 1000

/**
 * Runs `work` in one transaction on one pooled connection of a server database (PostgreSQL or
 * MariaDB), the way a careful user of pg or mysql2 writes it.
 */
export async function inServerTransaction(
  raw: Exclude<RawDriver, { kind: "sqlite" }>,
  work: (execute: Execute) => Promise<void>,
): Promise<void> {
  if (raw.kind === "postgres") {
    const client = await raw.pool.connect()
    try {
      await client.query("BEGIN")
      await work(async (sql, params) => void (await client.query(sql, params as unknown[])))
      await client.query("COMMIT")
    } finally {
      client.release()
    }
    return
  }
  const connection = await raw.pool.getConnection()
  try {
    await connection.beginTransaction()
    // A statement of many values goes through the binary protocol (`execute`), as the Session
    // sends one of 1,000 or more: faster than escaping them all into one statement string, and
    // lighter on memory.
    await work(async (sql, params) => {
      if (params.length >= BINARY_FROM_VALUES)
        await connection.execute(sql, params as ExecuteValues[])
      else await connection.query(sql, params as unknown[])
    })
    await connection.commit()
  } finally {
    connection.release()
  }
}

/** Rows per INSERT statement when a raw server driver writes many rows. */
const RAW_ROWS_PER_INSERT = 1000

/**
 * Writes message rows in one transaction the way a careful user of each driver does: one
 * prepared INSERT run per row on SQLite (better-sqlite3's own recipe), parameterized multi-row
 * INSERTs of 1,000 rows on PostgreSQL and MariaDB.
 */
export async function insertMessageRows(raw: RawDriver, rows: readonly unknown[][]): Promise<void> {
  if (raw.kind === "sqlite") {
    const insert = prepared(raw.db, insertMessagesSql("sqlite", 1))
    raw.db.transaction(() => {
      for (const row of rows) insert.run(...row)
    })()
    return
  }
  await inServerTransaction(raw, async (execute) => {
    for (let start = 0; start < rows.length; start += RAW_ROWS_PER_INSERT) {
      const part = rows.slice(start, start + RAW_ROWS_PER_INSERT)
      await execute(insertMessagesSql(raw.kind, part.length), part.flat())
    }
  })
}

/**
 * M's write: `count` messages committed at once, by one session or by the raw driver, both
 * holding the whole batch until it is written in one transaction (bench/memory.ts measures its
 * peak, bench/heap-alloc.ts what it allocates). `around` runs the commit itself, after the
 * messages or rows are built (bench/memory.ts watches the event loop in it).
 */
export async function writeMessagesInOneCommit(
  variant: string,
  target: Target,
  count: number,
  projectId: string,
  owners: Owners,
  around: (commit: () => Promise<void>) => Promise<void> = (commit) => commit(),
): Promise<void> {
  if (variant === "session") {
    await using session = new Session(target.dataSource)
    for (let i = 0; i < count; i += 1) session.add(newMessage(i, projectId, owners))
    await around(() => session.commit())
    return
  }
  const rows = Array.from({ length: count }, (_, i) =>
    messageRow(target.kind, i, projectId, owners),
  )
  await around(() => insertMessageRows(target.raw, rows))
}
