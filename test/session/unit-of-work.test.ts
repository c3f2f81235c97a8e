import { Column, Entity } from "typeorm"
import {
  Client,
  Message,
  MetadataEntity,
  Node,
  Operator,
  Orchestrator,
  Project,
  Session,
  SessionStateError,
  Tool,
  User,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { newMessage, newOwned } from "../support/fixtures"
import { make, unique } from "../support/graph"
import { QueryLog, dataStatements } from "../support/query-log"

@Entity("custom_note")
class CustomNote extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  title!: string
}

const log = new QueryLog()

describeEachDatabase(
  "Session unit of work",
  (db) => {
    const open = () => new Session(db().dataSource)

    it("inserts an orchestrator with new operators, projects and clients in one commit, parents first", async () => {
      await using session = open()
      const { user, orchestrator, operator, project } = newOwned()
      const client = make(Client, { model: "gpt-4o", operator, orchestrator })
      operator.clients = [client]
      const second = make(Project, { name: unique("second"), orchestrator })
      orchestrator.projects!.push(second)
      session.add(orchestrator)
      orchestrator.user = user
      await session.commit()

      await using reader = open()
      const loaded = await reader.findOne(Orchestrator, {
        where: { id: orchestrator.id },
        relations: { user: true, operators: { clients: true }, projects: true },
      })
      expect(loaded?.user?.email).toBe(user.email)
      expect(loaded?.operators?.map((o) => o.id)).toEqual([operator.id])
      expect(loaded?.operators?.[0]?.clients?.map((c) => c.model)).toEqual(["gpt-4o"])
      expect(loaded?.projects?.map((p) => p.id).sort()).toEqual([project.id, second.id].sort())
    })

    it("writes new rows of one entity as multi-row INSERTs, with no SELECT before or after", async () => {
      const { user, project, operator } = newOwned()
      {
        await using session = open()
        session.addAll([user, project])
        await session.commit()
      }
      await using session = open()
      const messages = Array.from({ length: 1200 }, (_, i) =>
        newMessage(project, i % 2 ? { user } : { operator }, `m${i}`),
      )
      session.addAll(messages)
      const statements = dataStatements(await log.capture(() => session.commit()))
      expect(statements.every((sql) => /^INSERT INTO/.test(sql))).toBe(true)
      expect(statements.length).toBeLessThanOrEqual(3)
      const stored = await session.find(Message, {
        where: { projectId: project.id },
        order: { createdAt: "ASC", id: "ASC" },
      })
      expect(stored.map((m) => m.id)).toEqual(messages.map((m) => m.id))
    })

    it("tracks what it committed: a changed field is one UPDATE of that column and updatedAt, with no SELECT", async () => {
      await using session = open()
      const { user } = newOwned()
      session.add(user)
      await session.commit()
      const createdAt = user.createdAt.getTime()
      const updatedAt = user.updatedAt.getTime()
      await new Promise((resolve) => setTimeout(resolve, 5))

      user.firstName = "Ada"
      const statements = dataStatements(await log.capture(() => session.commit()))
      expect(statements).toHaveLength(1)
      expect(statements[0]).toMatch(/^UPDATE/)
      expect(statements[0]).toMatch(/first_name/)
      expect(statements[0]).toMatch(/updated_at/)
      expect(statements[0]).not.toMatch(/email|last_name|created_at/)
      expect(user.createdAt.getTime()).toBe(createdAt)
      expect(user.updatedAt.getTime()).toBeGreaterThan(updatedAt)

      expect(dataStatements(await log.capture(() => session.commit()))).toEqual([])
      await using reader = open()
      expect((await reader.get(User, user.id))?.firstName).toBe("Ada")
    })

    it("tracks what it reads: changing a loaded entity writes it back", async () => {
      const { user } = newOwned()
      {
        await using writer = open()
        writer.add(user)
        await writer.commit()
      }
      await using session = open()
      const loaded = (await session.find(User, { where: { email: user.email } }))[0]!
      loaded.lastName = "Lovelace"
      const statements = dataStatements(await log.capture(() => session.commit()))
      expect(statements).toHaveLength(1)
      expect(statements[0]).toMatch(/^UPDATE .*last_name/)
      await using reader = open()
      expect((await reader.get(User, user.id))?.lastName).toBe("Lovelace")
    })

    it("returns one instance per row (identity map)", async () => {
      const { user } = newOwned()
      await using session = open()
      session.add(user)
      await session.commit()
      expect(await session.get(User, user.id)).toBe(user)
      const [found] = await session.find(User, { where: { id: user.id } })
      expect(found).toBe(user)
      // On SQLite a session holds the connection from its first read to commit or close.
      await session.commit()
      await using other = open()
      const a = await other.get(User, user.id)
      const b = await other.findOne(User, { where: { email: user.email } })
      expect(a).toBe(b)
      expect(a).not.toBe(user)
    })

    it("refuses two instances of one row added before its first use, on every use after", async () => {
      const { user } = newOwned()
      {
        await using writer = open()
        writer.add(user)
        await writer.commit()
      }
      const read = async () => {
        await using reader = open()
        return (await reader.get(User, user.id))!
      }
      const first = await read()
      const second = await read()
      await using session = open()
      session.add(first)
      session.add(second)
      await expect(session.commit()).rejects.toThrow(SessionStateError)
      await expect(session.get(User, user.id)).rejects.toThrow(
        /Another instance of User .* is already in this session/,
      )
    })

    it("updates an object committed by another session instead of inserting it again", async () => {
      const { user } = newOwned()
      {
        await using first = open()
        first.add(user)
        await first.commit()
      }
      await using second = open()
      user.firstName = "Grace"
      second.add(user)
      const statements = dataStatements(await log.capture(() => second.commit()))
      expect(statements).toHaveLength(1)
      expect(statements[0]).toMatch(/^UPDATE/)
    })

    it("moves a message to another project when its foreign key changes", async () => {
      const { user, project, orchestrator } = newOwned()
      const other = make(Project, { name: unique("other"), orchestrator })
      await using session = open()
      const message = newMessage(project, { user })
      session.addAll([user, project, other, message])
      await session.commit()
      message.projectId = other.id
      await session.commit()
      await using reader = open()
      expect((await reader.get(Message, message.id))?.projectId).toBe(other.id)
    })

    it("links and unlinks many-to-many tools", async () => {
      const { user, orchestrator, operator } = newOwned()
      const search = make(Tool, { name: "search" })
      const shell = make(Tool, { name: "shell" })
      operator.tools = [search, shell]
      user.tools = [search]
      await using session = open()
      session.addAll([user, orchestrator])
      await session.commit()

      const toolsOf = async () => {
        await using reader = open()
        const loaded = await reader.findOne(Operator, {
          where: { id: operator.id },
          relations: { tools: true },
        })
        return (loaded?.tools ?? []).map((tool) => tool.name).sort()
      }
      expect(await toolsOf()).toEqual(["search", "shell"])
      operator.tools = [shell]
      await session.commit()
      expect(await toolsOf()).toEqual(["shell"])
      operator.tools = []
      await session.commit()
      expect(await toolsOf()).toEqual([])

      // Replacing the links of an operator loaded without them replaces whatever is stored.
      {
        await using writer = open()
        const loaded = (await writer.get(Operator, operator.id))!
        loaded.tools = [search, shell]
        await writer.commit()
      }
      expect(await toolsOf()).toEqual(["search", "shell"])
      {
        await using writer = open()
        const loaded = (await writer.get(Operator, operator.id))!
        loaded.tools = [search]
        await writer.commit()
      }
      expect(await toolsOf()).toEqual(["search"])
    })

    it("deletes a row and lets the database remove what depends on it", async () => {
      const { user, orchestrator, project, operator } = newOwned()
      await using session = open()
      const message = newMessage(project, { operator })
      session.addAll([user, message])
      await session.commit()
      session.delete(orchestrator)
      await session.commit()
      expect(await session.get(Orchestrator, orchestrator.id)).toBeNull()
      expect(await session.find(Message, { where: { id: message.id } })).toEqual([])
      expect(await session.get(User, user.id)).toBe(user)
    })

    it("drops an added object that is deleted before flush without touching the database", async () => {
      await using session = open()
      const { user } = newOwned()
      session.add(user)
      session.delete(user)
      expect(dataStatements(await log.capture(() => session.commit()))).toEqual([])
    })

    it("inserts a tree parents first, whatever order the nodes were added in", async () => {
      await using session = open()
      const root = new Node()
      const child = make(Node, { parent: root })
      const grandchild = make(Node, { parent: child })
      session.addAll([grandchild, child, root])
      await session.commit()
      await using reader = open()
      expect((await reader.get(Node, grandchild.id))?.parentId).toBe(child.id)
    })

    it("notices a date changed in place, and never shares one Date between entities", async () => {
      const { user, project, operator } = newOwned()
      {
        await using writer = open()
        writer.addAll([user, newMessage(project, { operator }), newMessage(project, { user })])
        await writer.commit()
      }
      await using session = open()
      const [first, second] = await session.find(Message, {
        where: { projectId: project.id },
        order: { createdAt: "ASC", id: "ASC" },
      })
      expect(first!.createdAt).not.toBe(second!.createdAt)
      first!.createdAt.setTime(Date.UTC(2020, 0, 1))
      const statements = dataStatements(await log.capture(() => session.commit()))
      expect(statements).toHaveLength(1)
      expect(statements[0]).toMatch(/^UPDATE .*created_at/)
      await using reader = open()
      expect((await reader.get(Message, first!.id))?.createdAt.toISOString()).toBe(
        "2020-01-01T00:00:00.000Z",
      )
      expect((await reader.get(Message, second!.id))?.createdAt.getUTCFullYear()).not.toBe(2020)
    })

    it("finds a row by its uuid in any letter case", async () => {
      const { user } = newOwned()
      {
        await using writer = open()
        writer.add(user)
        await writer.commit()
      }
      await using session = open()
      const loaded = await session.get(User, user.id.toUpperCase())
      expect(loaded?.id).toBe(user.id)
      expect(await session.get(User, user.id)).toBe(loaded)
    })

    it("gives unset properties the values their row got: null, or the column default", async () => {
      await using session = open()
      const { user, project, operator } = newOwned()
      const message = newMessage(project, { operator })
      delete (message as { status?: unknown }).status
      session.addAll([user, message])
      await session.commit()
      expect(user.firstName).toBeNull()
      expect(project.executiveId).toBeNull()
      expect(message.userId).toBeNull()
      expect(message.prompt).toBeNull()
      expect(message.status).toBe("init")
      await using reader = open()
      const stored = await reader.get(Message, message.id)
      expect(stored?.status).toBe("init")
      expect(stored?.prompt).toBeNull()
    })

    it("keeps a custom model extending MetadataEntity through add, commit and get", async () => {
      await using session = open()
      const note = session.add(make(CustomNote, { title: "first" }))
      await session.commit()
      await using reader = open()
      const loaded = await reader.get(CustomNote, note.id)
      expect(loaded).toBeInstanceOf(CustomNote)
      expect(loaded?.title).toBe("first")
      expect(loaded?.createdAt.getTime()).toBe(note.createdAt.getTime())
    })
  },
  { extra: { entities: [CustomNote], logging: true, logger: log }, createTestTables: true },
)
