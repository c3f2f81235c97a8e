import {
  Message,
  type MessagePage,
  Session,
  ValidationError,
  createProject,
  getMessagePage,
  getMessages,
} from "../../src"
import { KeysetCondition } from "../../src/internal/read/keyset-condition"
import { encodeMessageCursor } from "../../src/services/message-cursor"
import { describeEachDatabase } from "../support/databases"
import { unique } from "../support/graph"
import { QueryLog, dataStatements } from "../support/query-log"
import { rejectionOf, seedOperator, seedOwner } from "./seed"

const log = new QueryLog()
// One millisecond that 250 messages share, with a fraction no rounding keeps by accident.
const SHARED = new Date("2026-03-04T05:06:07.891Z")

describeEachDatabase(
  "getMessagePage",
  (db) => {
    const open = () => new Session(db().dataSource)

    /**
     * A project with 250 messages at SHARED (every third with prompt "p"), 5 a millisecond
     * before and 5 a millisecond after; written in shuffled order so that only the id orders
     * the ties. Returns the project id and the ids in (createdAt, id) order.
     */
    async function seedTies(): Promise<{ projectId: string; ids: string[]; withPrompt: string[] }> {
      await using session = open()
      const { user, orchestrator } = await seedOwner(session)
      const operator = await seedOperator(session, orchestrator.id)
      const project = await createProject(session, {
        name: unique("project"),
        orchestratorId: orchestrator.id,
      })
      const at = (time: number, i: number) =>
        Object.assign(new Message(), {
          type: "textmessage",
          content: JSON.stringify({ i }),
          prompt: i % 3 === 0 ? "p" : null,
          projectId: project.id,
          ...(i % 2 ? { operatorId: operator.id } : { userId: user.id }),
          createdAt: new Date(time),
        })
      const messages = [
        ...Array.from({ length: 5 }, (_, i) => at(SHARED.getTime() - 1, 1000 + i)),
        ...Array.from({ length: 250 }, (_, i) => at(SHARED.getTime(), i)),
        ...Array.from({ length: 5 }, (_, i) => at(SHARED.getTime() + 1, 2000 + i)),
      ]
      const shuffled = [...messages].sort(() => Math.random() - 0.5)
      session.addAll(shuffled)
      await session.commit()
      // The database's own (createdAt, id) order (MariaDB orders uuids its own way).
      const ordered = await getMessages(session, project.id, { limit: 1000 })
      expect(ordered).toHaveLength(260)
      return {
        projectId: project.id,
        ids: ordered.map((m) => m.id),
        withPrompt: ordered.filter((m) => m.prompt === "p").map((m) => m.id),
      }
    }

    async function walk(
      projectId: string,
      direction: "forward" | "backward",
      prompt?: string,
    ): Promise<{ ids: string[]; pages: MessagePage[] }> {
      await using session = open()
      const pages: MessagePage[] = []
      let page = await getMessagePage(session, projectId, {
        limit: 7,
        prompt,
        ...(direction === "backward" ? { newest: true } : {}),
      })
      pages.push(page)
      for (;;) {
        const cursor = direction === "forward" ? page.next : page.previous
        if (cursor === null) break
        page = await getMessagePage(session, projectId, {
          limit: 7,
          prompt,
          ...(direction === "forward" ? { after: cursor } : { before: cursor }),
        })
        pages.push(page)
        if (pages.length > 100) throw new Error("the pages never end")
      }
      const ordered = direction === "forward" ? pages : [...pages].reverse()
      return { ids: ordered.flatMap((p) => p.messages.map((m) => m.id)), pages }
    }

    it("visits 250 messages of one millisecond exactly once, forwards and backwards, in pages of 7", async () => {
      const { projectId, ids } = await seedTies()
      const forward = await walk(projectId, "forward")
      expect(forward.ids).toEqual(ids)
      expect(forward.pages).toHaveLength(Math.ceil(260 / 7))
      expect(forward.pages.slice(0, -1).every((p) => p.messages.length === 7)).toBe(true)
      const backward = await walk(projectId, "backward")
      expect(backward.ids).toEqual(ids)
      expect(backward.pages.slice(0, -1).every((p) => p.messages.length === 7)).toBe(true)
      // Each page's messages come oldest first, backwards too.
      expect(backward.pages[0]!.messages.map((m) => m.id)).toEqual(ids.slice(-7))
    })

    it("pages only the messages answering a prompt, ties included", async () => {
      const { projectId, withPrompt } = await seedTies()
      expect(withPrompt.length).toBeGreaterThan(80)
      expect((await walk(projectId, "forward", "p")).ids).toEqual(withPrompt)
      expect((await walk(projectId, "backward", "p")).ids).toEqual(withPrompt)
    })

    it("gives next and previous only where messages lie, and they lead back to the same pages", async () => {
      const { projectId, ids } = await seedTies()
      await using session = open()
      const first = await getMessagePage(session, projectId, { limit: 100 })
      expect(first.previous).toBeNull()
      expect(first.next).not.toBeNull()
      const second = await getMessagePage(session, projectId, { after: first.next!, limit: 100 })
      expect(second.messages.map((m) => m.id)).toEqual(ids.slice(100, 200))
      const back = await getMessagePage(session, projectId, {
        before: second.previous!,
        limit: 100,
      })
      expect(back.messages.map((m) => m.id)).toEqual(ids.slice(0, 100))
      expect(back.previous).toBeNull()
      expect(back.next).toBe(first.next)
      const last = await getMessagePage(session, projectId, { after: second.next!, limit: 100 })
      expect(last.messages.map((m) => m.id)).toEqual(ids.slice(200))
      expect(last.next).toBeNull()
      const newest = await getMessagePage(session, projectId, { newest: true, limit: 100 })
      expect(newest.messages.map((m) => m.id)).toEqual(ids.slice(160))
      expect(newest.next).toBeNull()
      // getMessages takes the same cursors and returns the messages alone.
      const listed = await getMessages(session, projectId, { after: first.next!, limit: 3 })
      expect(listed.map((m) => m.id)).toEqual(ids.slice(100, 103))
      const empty = await getMessagePage(session, projectId, {
        after: last.messages.length ? encodeMessageCursor(last.messages.at(-1)!) : "",
        limit: 5,
      })
      expect(empty).toEqual({ messages: [], next: null, previous: null })
    })

    it("reads a cursor page with a keyset range, never OFFSET", async () => {
      const { projectId } = await seedTies()
      await using session = open()
      const first = await getMessagePage(session, projectId, { limit: 7 })
      const statements = dataStatements(
        await log.capture(() =>
          getMessagePage(session, projectId, { after: first.next!, limit: 7 }),
        ),
      )
      expect(statements).toHaveLength(1)
      const sql = statements[0]!.replace(/[`"]/g, "")
      expect(sql).toMatch(
        /created_at >= \S+ AND \(created_at > \S+ OR \(created_at = \S+ AND id > \S+\)\)/,
      )
      expect(sql).toMatch(/ORDER BY created_at ASC, id ASC LIMIT/)
      expect(sql).not.toMatch(/OFFSET/i)
      // MariaDB would otherwise walk the project's rows before the boundary (see select-sql.ts).
      if (db().kind === "mariadb") {
        expect(sql).toMatch(/FROM message FORCE INDEX \(IDX_message_project_id_created_at_id\)/)
      }
    })

    it("means the same keyset range through TypeORM's own find, ties included", async () => {
      const { projectId, ids } = await seedTies()
      await using session = open()
      for (const side of ["after", "before"] as const) {
        const seen: string[] = []
        let edge: Message | undefined
        for (let page = 0; page < 100; page += 1) {
          const where = {
            projectId,
            ...(edge
              ? {
                  createdAt: new KeysetCondition(side, edge.createdAt, {
                    property: "id",
                    column: "id",
                    value: edge.id,
                  }),
                }
              : {}),
          }
          const direction = side === "after" ? "ASC" : "DESC"
          // loadEagerRelations is not an option the session compiles: TypeORM's find runs.
          const rows = await session.find(Message, {
            where,
            order: { createdAt: direction, id: direction },
            take: 7,
            loadEagerRelations: false,
          })
          if (rows.length === 0) break
          seen.push(...rows.map((m) => m.id))
          edge = rows.at(-1)
        }
        expect(seen).toEqual(side === "after" ? ids : [...ids].reverse())
      }
    })

    it("refuses a malformed or edited cursor, or two ways of starting, naming the option", async () => {
      const { projectId } = await seedTies()
      await using session = open()
      const { next } = await getMessagePage(session, projectId, { limit: 7 })
      const decoded = Buffer.from(next!, "base64url").toString("utf8")
      const edited = (text: string) => Buffer.from(text, "utf8").toString("base64url")
      const bad: Array<[object, string]> = [
        [{ after: "not a cursor!" }, "Pagination.after"],
        [{ before: next!.slice(0, -3) }, "Pagination.before"],
        [{ after: edited(decoded.replace("891Z", "891")) }, "Pagination.after"],
        [{ after: edited(decoded.replace('"m1"', '"m2"')) }, "Pagination.after"],
        [{ after: edited(decoded.replace(/-[0-9a-f]{12}"/, '-xyz"')) }, "Pagination.after"],
        [{ after: edited(decoded.replace("2026-03-04", "2026-02-30")) }, "Pagination.after"],
        [{ after: edited("{}") }, "Pagination.after"],
        [{ after: null }, "Pagination.after"],
        [{ after: 42 }, "Pagination.after"],
        [{ after: next, before: next }, "Pagination.before"],
        [{ after: next, skip: 0 }, "Pagination.skip"],
        [{ before: next, skip: 7 }, "Pagination.skip"],
        [{ before: next, newest: true }, "Pagination.newest"],
        [{ newest: "yes" }, "Pagination.newest"],
      ]
      for (const [options, property] of bad) {
        for (const read of [getMessagePage, getMessages]) {
          const error = await rejectionOf(read(session, projectId, options))
          expect(error).toBeInstanceOf(ValidationError)
          expect((error as ValidationError).issues.map((issue) => issue.property)).toContain(
            property,
          )
        }
      }
      // The session stays usable.
      expect(
        (await getMessagePage(session, projectId, { after: next!, limit: 1 })).messages,
      ).toHaveLength(1)
    })
  },
  { extra: { logging: true, logger: log } },
)
