import { Message, Session } from "../../src"
import { prepared, quote, seedMessageRows, seedOwners, type Owners } from "../data"
import { nowMs, summarize } from "../stats"
import type { Target } from "../targets"
import type { Workload } from "../workload"

interface ReadState {
  readonly owners: Owners
  readonly plan: string
}

/** W3: the latest 100 messages of one project, newest first, from a large table. */
export const read: Workload<ReadState> = {
  id: "W3",
  title: "latest page",
  unit: (sizes) =>
    `per query: latest 100 of ${(sizes.readSeedMessages / sizes.readProjects).toLocaleString("en")} in a project (${sizes.readSeedMessages.toLocaleString("en")} rows)`,
  async prepare(target, sizes) {
    const owners = await seedOwners(target, sizes.readProjects)
    await seedMessages(target, owners, sizes.readSeedMessages)
    return { owners, plan: await explain(target, owners.projectIds[0]!) }
  },
  async run(variant, target, state, sizes) {
    const times: number[] = []
    for (let q = 0; q < sizes.readQueries; q += 1) {
      const projectId = state.owners.projectIds[q % state.owners.projectIds.length]!
      const start = nowMs()
      const rows = await latest(variant, target, projectId)
      times.push(nowMs() - start)
      if (rows !== 100) throw new Error(`W3 ${variant} read ${rows} rows instead of 100`)
    }
    return summarize(times).median
  },
}

const LATEST = (kind: Target["kind"]) =>
  `SELECT * FROM ${quote(kind, "message")} WHERE ${quote(kind, "project_id")} = ${kind === "postgres" ? "$1" : "?"} ORDER BY ${quote(kind, "created_at")} DESC, ${quote(kind, "id")} DESC LIMIT 100`

export async function latest(variant: string, target: Target, projectId: string): Promise<number> {
  const options = {
    where: { projectId },
    order: { createdAt: "DESC" as const, id: "DESC" as const },
    take: 100,
  }
  if (variant === "session") {
    const session = new Session(target.dataSource)
    try {
      return (await session.find(Message, options)).length
    } finally {
      await session.close()
    }
  }
  if (variant === "typeorm") return (await target.dataSource.manager.find(Message, options)).length
  const raw = target.raw
  if (raw.kind === "sqlite") return prepared(raw.db, LATEST("sqlite")).all(projectId).length
  if (raw.kind === "postgres")
    return (await raw.pool.query(LATEST("postgres"), [projectId])).rows.length
  const [rows] = await raw.pool.query(LATEST("mariadb"), [projectId])
  return (rows as unknown[]).length
}

function seedMessages(target: Target, owners: Owners, total: number): Promise<void> {
  const base = Date.now() - total
  return seedMessageRows(target, owners, total, (i) => ({
    projectId: owners.projectIds[i % owners.projectIds.length]!,
    createdAt: new Date(base + i),
  }))
}

/** The query plan of the W3 query, to show it uses the (project_id, created_at) index. */
async function explain(target: Target, projectId: string): Promise<string> {
  const raw = target.raw
  if (raw.kind === "sqlite") {
    const rows = raw.db.prepare(`EXPLAIN QUERY PLAN ${LATEST("sqlite")}`).all(projectId) as Array<{
      detail: string
    }>
    return rows.map((row) => row.detail).join("; ")
  }
  if (raw.kind === "postgres") {
    const result = await raw.pool.query(`EXPLAIN ${LATEST("postgres")}`, [projectId])
    return (result.rows as Array<{ "QUERY PLAN": string }>)
      .map((row) => row["QUERY PLAN"].trim())
      .join("; ")
  }
  const [rows] = await raw.pool.query(`EXPLAIN ${LATEST("mariadb")}`, [projectId])
  return (rows as Array<{ key: string | null; Extra: string }>)
    .map((row) => `key=${row.key ?? "none"} ${row.Extra}`)
    .join("; ")
}
