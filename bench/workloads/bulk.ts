import { Message, Session } from "../../src"
import {
  inServerTransaction,
  insertMessagesSql,
  messageContent,
  messageRow,
  newProject,
  seedOwners,
  type Owners,
} from "../data"
import { nowMs } from "../stats"
import type { Target } from "../targets"
import type { Workload } from "../workload"

function messages(count: number, projectId: string, owners: Owners): Message[] {
  return Array.from({ length: count }, (_, i) =>
    Object.assign(new Message(), {
      type: "textmessage",
      content: messageContent(i),
      projectId,
      ...(i % 2 === 0 ? { userId: owners.userId } : { operatorId: owners.operatorId }),
    }),
  )
}

/** W1: many messages of one project written in one commit. */
export const bulk: Workload<Owners> = {
  id: "W1",
  title: "bulk insert",
  unit: (sizes) => `one commit of ${sizes.bulkMessages.toLocaleString("en")} messages`,
  prepare: (target) => seedOwners(target, 1),
  async run(variant, target, owners, sizes) {
    const projectId = await newProject(target, owners)
    const count = sizes.bulkMessages
    const start = nowMs()
    if (variant === "session") {
      const session = new Session(target.dataSource)
      session.addAll(messages(count, projectId, owners))
      await session.commit()
      await session.close()
    } else if (variant === "typeorm") {
      // What a TypeORM user writes; chunked, because one save() of 10,000 rows with preset ids
      // exceeds PostgreSQL's bind-parameter limit.
      await target.dataSource.manager.save(messages(count, projectId, owners), { chunk: 1000 })
    } else {
      await rawBulk(target, count, projectId, owners)
    }
    return nowMs() - start
  },
}

async function rawBulk(
  target: Target,
  count: number,
  projectId: string,
  owners: Owners,
): Promise<void> {
  const raw = target.raw
  if (raw.kind === "sqlite") {
    // better-sqlite3's own recipe: one prepared INSERT in a transaction.
    const insert = raw.db.prepare(insertMessagesSql("sqlite", 1))
    raw.db.transaction(() => {
      for (let i = 0; i < count; i += 1) insert.run(...messageRow("sqlite", i, projectId, owners))
    })()
    return
  }
  const chunk = 1000
  await inServerTransaction(raw, async (execute) => {
    for (let start = 0; start < count; start += chunk) {
      const rows = Math.min(chunk, count - start)
      const params = Array.from({ length: rows }, (_, i) =>
        messageRow(target.kind, start + i, projectId, owners),
      ).flat()
      await execute(insertMessagesSql(target.kind, rows), params)
    }
  })
}
