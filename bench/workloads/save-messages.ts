import {
  SoftwareOrchestrator,
  demoClient,
  messageFromObj,
  uuidv7,
  type ConversationEntry,
  type Message,
} from "../../src"
import { projectBaseName, runProjectName } from "../../src/orchestrators/project-naming"
import { insertMessagesSql, nextName, prepared, quote } from "../data"
import { nowMs } from "../stats"
import type { RawDriver, Target } from "../targets"
import type { Workload } from "../workload"
import { rawAlone } from "./single"

/**
 * W6: `saveMessages` end to end. Each orchestrator run (the demo client: a plan, two files, a
 * summary and the result, no model) stores 6 messages, each in its own commit: the prompt with
 * the run's project (after finding the user, orchestrator and operators and the next free
 * project name), then 5 answers one commit each. The session side is `SoftwareOrchestrator`
 * with `saveMessages: true`; the raw side runs the same orchestrator without it and writes the
 * same rows from `onMessage` with the raw driver: the same reads, the prompt's project and
 * message in one transaction, each answer's INSERT alone (autocommit).
 */
export const saveMessages: Workload<string> = {
  id: "W6",
  title: "saveMessages",
  unit: (sizes) =>
    `${sizes.orchestratorRuns.toLocaleString("en")} orchestrator runs of 6 messages, one commit each`,
  variants: ["session", "raw"],
  prepare: () => Promise.resolve(`${nextName("w6user")}@example.com`),
  async run(variant, target, userEmail, sizes) {
    // A fresh orchestrator per measurement, its user, orchestrator and operators stored by an
    // untimed first run, so every variant starts alike.
    const identity = {
      client: demoClient(),
      dataSource: target.dataSource,
      userEmail,
      orchestratorName: nextName("w6orch"),
    }
    await new SoftwareOrchestrator({ ...identity, saveMessages: true }).run("Set up")
    const orchestrator = new SoftwareOrchestrator({ ...identity, saveMessages: variant !== "raw" })
    const recorder = variant === "raw" ? new RawRecorder(target, orchestrator) : undefined
    const onMessage = recorder && ((entry: ConversationEntry) => recorder.record(entry))
    const start = nowMs()
    for (let i = 0; i < sizes.orchestratorRuns; i += 1) {
      await orchestrator.run(`Build page ${nextName("w6")}`, { onMessage })
    }
    return nowMs() - start
  },
}

/** The stored rows of one run, as the raw side knows them. */
interface RawRun {
  readonly projectId: string
  readonly prompt: string
  readonly operatorIds: ReadonlyMap<string, string>
}

type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>

// What `ConversationRecorder` does, by hand: on the prompt, the lookups and the project with the
// prompt's message in one transaction; each answer then alone.
class RawRecorder {
  private run: RawRun | undefined

  constructor(
    private readonly target: Target,
    private readonly orchestrator: SoftwareOrchestrator,
  ) {}

  async record(entry: ConversationEntry): Promise<void> {
    const { kind } = this.target
    if (entry.sender === "user") {
      const prompt = (entry.message as unknown as { text: string }).text
      this.run = await withConnection(this.target.raw, async (query, transaction) => {
        const run = await this.lookUp(query, prompt)
        await transaction(async () => {
          await query(projectSql(kind), [
            run.projectId,
            ...stamps(kind),
            run.name,
            run.orchestratorId,
            run.operatorIds.get(this.orchestrator.executive.name),
            run.operatorIds.get(this.orchestrator.developer.name),
          ])
          await query(
            insertMessagesSql(kind, 1),
            messageRow(kind, entry, run.projectId, prompt, { userId: run.userId }),
          )
        })
        return run
      })
      return
    }
    const run = this.run!
    const operatorId = run.operatorIds.get(entry.sender.name)!
    await rawAlone(this.target, messageRow(kind, entry, run.projectId, run.prompt, { operatorId }))
  }

  private async lookUp(query: Query, prompt: string) {
    const { kind } = this.target
    const { userEmail, orchestratorName, executive, developer } = this.orchestrator
    const [user] = await query(sql(kind, `SELECT "id" FROM "user" WHERE "email" = ?`), [userEmail])
    const [orchestrator] = await query(
      sql(kind, `SELECT "id" FROM "orchestrator" WHERE "name" = ? AND "user_id" = ?`),
      [orchestratorName, user!.id],
    )
    const orchestratorId = orchestrator!.id as string
    const operatorIds = new Map<string, string>()
    for (const agent of [executive, developer]) {
      const [operator] = await query(
        sql(
          kind,
          `SELECT "id", "instructions" FROM "operator" WHERE "name" = ? AND "orchestrator_id" = ?`,
        ),
        [agent.name, orchestratorId],
      )
      operatorIds.set(agent.name, operator!.id as string)
    }
    // The highest ordinal from a page of names in the order of their ordinals, as the package
    // reads it (src/orchestrators/highest-run-ordinal.ts); this benchmark names no other projects
    // of the orchestrator like a run, so the first page always has it.
    const base = projectBaseName(prompt)
    const prefix = `${base} #`
    const rest = `SUBSTR("name", ${[...prefix].length + 1})`
    const page = await query(
      sql(
        kind,
        `SELECT ${rest} AS "rest" FROM "project" WHERE "orchestrator_id" = ? AND "name" LIKE ? ESCAPE '!' ORDER BY LENGTH(${rest}) DESC, ${rest} DESC LIMIT 20`,
      ),
      [orchestratorId, `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`],
    )
    const top = page.find((row) => /^[1-9][0-9]{0,8}$/.test(row.rest as string))
    const highest = top ? Number(top.rest) : 0
    return {
      projectId: uuidv7(),
      prompt,
      name: runProjectName(base, highest + 1),
      userId: user!.id as string,
      orchestratorId,
      operatorIds,
    }
  }
}

// Written with "quotes" and ? placeholders; as each database wants them.
function sql(kind: Target["kind"], text: string): string {
  let parameter = 0
  if (kind === "postgres") return text.replace(/\?/g, () => `$${++parameter}`)
  if (kind === "mariadb") return text.replace(/"/g, "`")
  return text
}

function projectSql(kind: Target["kind"]): string {
  const columns = [
    "id",
    "created_at",
    "updated_at",
    "name",
    "orchestrator_id",
    "executive_id",
    "developer_id",
  ]
  const names = columns.map((column) => quote(kind, column)).join(", ")
  const slots = columns.map(() => "?").join(", ")
  return sql(kind, `INSERT INTO ${quote(kind, "project")} (${names}) VALUES (${slots})`)
}

function stamps(kind: Target["kind"]): [unknown, unknown] {
  const now = new Date()
  const date = kind === "sqlite" ? now.toISOString().replace("T", " ").replace("Z", "") : now
  return [date, date]
}

// The message row (bench/data.ts MESSAGE_COLUMNS order), encoded as the recorder encodes it.
function messageRow(
  kind: Target["kind"],
  entry: ConversationEntry,
  projectId: string,
  prompt: string,
  sender: { userId: string } | { operatorId: string },
): unknown[] {
  const row: Message = messageFromObj(entry.message, {
    ...sender,
    projectId,
    prompt,
    status: entry.status,
  })
  return [
    uuidv7(),
    ...stamps(kind),
    row.type,
    row.content,
    row.prompt,
    row.status,
    projectId,
    row.userId,
    row.operatorId,
  ]
}

// One connection for the reads and the transaction, as a careful user of each driver writes it.
async function withConnection<T>(
  raw: RawDriver,
  work: (query: Query, transaction: (body: () => Promise<void>) => Promise<void>) => Promise<T>,
): Promise<T> {
  if (raw.kind === "sqlite") {
    const query: Query = (text, params) =>
      Promise.resolve(
        /^\s*SELECT/i.test(text)
          ? (prepared(raw.db, text).all(...params) as Record<string, unknown>[])
          : (prepared(raw.db, text).run(...params), []),
      )
    return work(query, async (body) => {
      prepared(raw.db, "BEGIN IMMEDIATE").run()
      try {
        await body()
        prepared(raw.db, "COMMIT").run()
      } finally {
        if (raw.db.inTransaction) prepared(raw.db, "ROLLBACK").run()
      }
    })
  }
  if (raw.kind === "postgres") {
    const client = await raw.pool.connect()
    try {
      const query: Query = async (text, params) =>
        (await client.query<Record<string, unknown>>(text, params)).rows
      return await work(query, async (body) => {
        await client.query("BEGIN")
        try {
          await body()
          await client.query("COMMIT")
        } catch (error) {
          await client.query("ROLLBACK")
          throw error
        }
      })
    } finally {
      client.release()
    }
  }
  const connection = await raw.pool.getConnection()
  try {
    const query: Query = async (text, params) =>
      (await connection.query(text, params))[0] as Record<string, unknown>[]
    return await work(query, async (body) => {
      await connection.beginTransaction()
      try {
        await body()
        await connection.commit()
      } catch (error) {
        await connection.rollback()
        throw error
      }
    })
  } finally {
    connection.release()
  }
}
