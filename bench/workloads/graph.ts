import { Operator, Orchestrator, Project, Session, Tool, uuidv7 } from "../../src"
import { nextName, prepared, quote, seedOwners, type Owners } from "../data"
import { nowMs } from "../stats"
import type { Target } from "../targets"
import type { Workload } from "../workload"

const OPERATORS = 10
const PROJECTS = 10
const TOOLS = 20

/** W4: an orchestrator with operators, projects and tools, written in one commit and read back. */
export const graph: Workload<Owners> = {
  id: "W4",
  title: "object graph",
  unit: (sizes) =>
    `${sizes.graphs.toLocaleString("en")} × (insert 1+${OPERATORS}+${PROJECTS}+${TOOLS} rows and ${TOOLS} links, read back with relations)`,
  prepare: (target) => seedOwners(target, 0),
  async run(variant, target, owners, sizes) {
    // The tables grow by thousands of rows a round: fresh statistics keep the planner on the
    // indexes (PostgreSQL planned sequential scans from stale ones), for every variant alike.
    await analyze(target)
    const start = nowMs()
    for (let i = 0; i < sizes.graphs; i += 1) {
      if (variant === "session") await sessionGraph(target, owners)
      else if (variant === "typeorm") await typeormGraph(target, owners)
      else await rawGraph(target, owners)
    }
    return nowMs() - start
  },
}

function build(owners: Owners) {
  const orchestrator = Object.assign(new Orchestrator(), {
    type: "software",
    name: nextName("g"),
    userId: owners.userId,
  })
  const operators = Array.from({ length: OPERATORS }, (_, i) =>
    Object.assign(new Operator(), {
      name: `op${i}`,
      title: "developer",
      instructions: "Write code.",
      orchestrator,
    }),
  )
  const projects = Array.from({ length: PROJECTS }, (_, i) =>
    Object.assign(new Project(), { name: `p${i}`, orchestrator }),
  )
  const tools = Array.from({ length: TOOLS }, (_, i) =>
    Object.assign(new Tool(), { name: `tool${i}` }),
  )
  return { orchestrator, operators, projects, tools }
}

function check(loaded: Orchestrator | null): void {
  if (
    loaded?.operators?.length !== OPERATORS ||
    loaded.projects?.length !== PROJECTS ||
    loaded.tools?.length !== TOOLS
  ) {
    throw new Error("W4 read back an incomplete graph")
  }
}

const RELATIONS = { operators: true, projects: true, tools: true } as const

async function sessionGraph(target: Target, owners: Owners): Promise<void> {
  const { orchestrator, operators, projects, tools } = build(owners)
  orchestrator.operators = operators
  orchestrator.projects = projects
  orchestrator.tools = tools
  {
    await using session = new Session(target.dataSource)
    session.add(orchestrator)
    await session.commit()
  }
  await using reader = new Session(target.dataSource)
  check(
    await reader.findOne(Orchestrator, { where: { id: orchestrator.id }, relations: RELATIONS }),
  )
}

async function typeormGraph(target: Target, owners: Owners): Promise<void> {
  const { orchestrator, operators, projects, tools } = build(owners)
  await target.dataSource.transaction(async (manager) => {
    await manager.save(orchestrator)
    await manager.save(operators)
    await manager.save(projects)
    await manager.save(tools)
    orchestrator.tools = tools
    await manager.save(orchestrator)
  })
  check(
    await target.dataSource.manager.findOne(Orchestrator, {
      where: { id: orchestrator.id },
      relations: RELATIONS,
    }),
  )
}

// The same rows by hand: multi-row INSERTs in one transaction, then four SELECTs.
async function rawGraph(target: Target, owners: Owners): Promise<void> {
  const kind = target.kind
  const q = (name: string) => quote(kind, name)
  const now = new Date()
  const date = kind === "sqlite" ? now.toISOString().replace("T", " ").replace("Z", "") : now
  const orchestratorId = uuidv7()
  const statements: Array<[string, unknown[]]> = []
  const insert = (table: string, columns: string[], rows: unknown[][]): void => {
    let parameter = 0
    const values = rows
      .map(
        () => `(${columns.map(() => (kind === "postgres" ? `$${++parameter}` : "?")).join(", ")})`,
      )
      .join(", ")
    statements.push([
      `INSERT INTO ${q(table)} (${columns.map(q).join(", ")}) VALUES ${values}`,
      rows.flat(),
    ])
  }
  insert(
    "orchestrator",
    ["id", "created_at", "updated_at", "type", "name", "user_id"],
    [[orchestratorId, date, date, "software", nextName("g"), owners.userId]],
  )
  insert(
    "operator",
    ["id", "created_at", "updated_at", "instructions", "name", "title", "orchestrator_id"],
    Array.from({ length: OPERATORS }, (_, i) => [
      uuidv7(),
      date,
      date,
      "Write code.",
      `op${i}`,
      "developer",
      orchestratorId,
    ]),
  )
  insert(
    "project",
    ["id", "created_at", "updated_at", "name", "orchestrator_id"],
    Array.from({ length: PROJECTS }, (_, i) => [uuidv7(), date, date, `p${i}`, orchestratorId]),
  )
  const toolIds = Array.from({ length: TOOLS }, () => uuidv7())
  insert(
    "tool",
    ["id", "created_at", "updated_at", "name"],
    toolIds.map((id, i) => [id, date, date, `tool${i}`]),
  )
  insert(
    "orchestrator_tool_link",
    ["orchestrator_id", "tool_id"],
    toolIds.map((id) => [orchestratorId, id]),
  )

  const p = kind === "postgres" ? "$1" : "?"
  const reads = [
    `SELECT * FROM ${q("orchestrator")} WHERE ${q("id")} = ${p}`,
    `SELECT * FROM ${q("operator")} WHERE ${q("orchestrator_id")} = ${p}`,
    `SELECT * FROM ${q("project")} WHERE ${q("orchestrator_id")} = ${p}`,
    `SELECT t.*, l.${q("orchestrator_id")} FROM ${q("tool")} t INNER JOIN ${q("orchestrator_tool_link")} l ON l.${q("tool_id")} = t.${q("id")} WHERE l.${q("orchestrator_id")} = ${p}`,
  ]
  const raw = target.raw
  let counts: number[]
  if (raw.kind === "sqlite") {
    const db = raw.db
    db.transaction(() => {
      for (const [sql, params] of statements) prepared(db, sql).run(...params)
    }).immediate()
    counts = reads.map((sql) => prepared(db, sql).all(orchestratorId).length)
  } else if (raw.kind === "postgres") {
    const client = await raw.pool.connect()
    try {
      await client.query("BEGIN")
      for (const [sql, params] of statements) await client.query(sql, params)
      await client.query("COMMIT")
    } finally {
      client.release()
    }
    counts = []
    for (const sql of reads) counts.push((await raw.pool.query(sql, [orchestratorId])).rows.length)
  } else {
    const connection = await raw.pool.getConnection()
    try {
      await connection.beginTransaction()
      for (const [sql, params] of statements) await connection.query(sql, params)
      await connection.commit()
    } finally {
      connection.release()
    }
    counts = []
    for (const sql of reads) {
      const [rows] = await raw.pool.query(sql, [orchestratorId])
      counts.push((rows as unknown[]).length)
    }
  }
  if (counts.join() !== `1,${OPERATORS},${PROJECTS},${TOOLS}`)
    throw new Error("W4 raw read back an incomplete graph")
}

async function analyze(target: Target): Promise<void> {
  const tables = ["orchestrator", "operator", "project", "tool", "orchestrator_tool_link"]
  const raw = target.raw
  if (raw.kind === "sqlite") {
    raw.db.exec("ANALYZE")
    // SQLite loads statistics into each connection when its schema changes, and ANALYZE on one
    // connection is no schema change for another: the data source's connection (the Session's
    // and TypeORM's) reloads them here, or it plans with those of the first run (a table of one
    // row), walking the whole primary-key index to order ten operators.
    await target.dataSource.query("ANALYZE sqlite_schema")
  } else if (raw.kind === "postgres") await raw.pool.query(`ANALYZE ${tables.join(", ")}`)
  else await raw.pool.query(`ANALYZE TABLE ${tables.map((table) => `\`${table}\``).join(", ")}`)
}
