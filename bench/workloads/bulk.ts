import { Session } from "../../src"
import {
  insertMessageRows,
  messageRow,
  newMessage,
  newProject,
  seedOwners,
  type Owners,
} from "../data"
import { nowMs } from "../stats"
import type { Workload } from "../workload"

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
    if (variant === "raw") {
      const rows = Array.from({ length: count }, (_, i) =>
        messageRow(target.kind, i, projectId, owners),
      )
      await insertMessageRows(target.raw, rows)
      return nowMs() - start
    }
    const messages = Array.from({ length: count }, (_, i) => newMessage(i, projectId, owners))
    if (variant === "session") {
      const session = new Session(target.dataSource)
      session.addAll(messages)
      await session.commit()
      await session.close()
    } else {
      // What a TypeORM user writes; chunked, because one save() of 10,000 rows with preset ids
      // exceeds PostgreSQL's bind-parameter limit.
      await target.dataSource.manager.save(messages, { chunk: 1000 })
    }
    return nowMs() - start
  },
}
