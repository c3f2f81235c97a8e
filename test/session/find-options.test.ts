import { In } from "typeorm"
import { Message, Operator, Session, ValidationError } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { newMessage, newOwned } from "../support/fixtures"
import { QueryLog, dataStatements } from "../support/query-log"

// Find options that name nothing of the entity, or page with impossible numbers, are a usage
// error: refused before any SQL, the same on every database, and the session stays usable.

const BAD_OPTIONS: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
  ["an unknown property in where", { where: { nope: 1 } }, "Operator.where.nope"],
  [
    "an unknown property in one of several wheres",
    { where: [{ name: "x" }, { nope: 1 }] },
    "Operator.where.nope",
  ],
  [
    "an unknown property in where on a relation",
    { where: { orchestrator: { nope: 1 } } },
    "Operator.where.orchestrator.nope",
  ],
  ["an unknown property in order", { order: { nope: "ASC" } }, "Operator.order.nope"],
  ["an unknown order direction", { order: { name: "SIDEWAYS" } }, "Operator.order.name"],
  ["a negative skip", { skip: -1 }, "Operator.skip"],
  ["a fractional skip", { skip: 1.5 }, "Operator.skip"],
  ["a non-numeric skip", { skip: "10" }, "Operator.skip"],
  ["a negative take", { take: -5 }, "Operator.take"],
  ["a fractional take", { take: 0.5 }, "Operator.take"],
  ["take: Infinity", { take: Infinity }, "Operator.take"],
  ["take: NaN", { take: NaN }, "Operator.take"],
]

const log = new QueryLog()

describeEachDatabase(
  "Session.find options",
  (db) => {
    const open = () => new Session(db().dataSource)

    it.each(BAD_OPTIONS)(
      "refuses %s with a ValidationError naming it, sends nothing, and stays usable",
      async (_name, options, property) => {
        const owned = newOwned()
        await using session = open()
        session.addAll([owned.user, owned.orchestrator])
        await session.commit()
        expect(session.isActive).toBe(false)
        const error = await session.find(Operator, options).catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(ValidationError)
        expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([property])
        expect((error as ValidationError).message).toContain(property)
        // No connection was taken, so nothing was sent.
        expect(session.isActive).toBe(false)
        // Still usable without rollback(): a write and a read in the same session.
        owned.operator.title = "after"
        await session.commit()
        const found = await session.findOne(Operator, { where: { id: owned.operator.id } })
        expect(found?.title).toBe("after")
      },
    )

    it("refuses bad options before flushing staged work, which stays staged", async () => {
      const owned = newOwned()
      await using session = open()
      session.addAll([owned.user, owned.orchestrator])
      await expect(session.find(Operator, { take: -1 })).rejects.toBeInstanceOf(ValidationError)
      expect(session.inTransaction).toBe(false)
      await session.commit()
      expect(await session.get(Operator, owned.operator.id)).toBe(owned.operator)
    })

    it("names every bad option at once", async () => {
      await using session = open()
      const error = (await session
        .find(Operator, { where: { nope: 1 }, order: { alsoNope: "ASC" }, take: -1 } as never)
        .catch((caught: unknown) => caught)) as ValidationError
      expect(error).toBeInstanceOf(ValidationError)
      expect(error.issues.map((issue) => issue.property)).toEqual([
        "Operator.where.nope",
        "Operator.order.alsoNope",
        "Operator.take",
      ])
    })

    it("reads In([…]) of values as TypeORM does, in one statement", async () => {
      const owned = newOwned()
      await using session = open()
      session.addAll([owned.user, owned.orchestrator])
      await session.commit()
      const orchestratorId = owned.orchestrator.id.toUpperCase()
      const where = {
        orchestratorId,
        name: In([owned.operator.name, "nobody", owned.operator.name]),
      }
      let found: Operator[] = []
      const statements = await log.capture(async () => {
        found = await session.find(Operator, { where })
      })
      expect(dataStatements(statements)).toHaveLength(1)
      expect(statements.join()).toContain(" IN (")
      expect(found).toEqual([owned.operator])
      expect(found[0]).toBe(owned.operator)
      // Ids as the database holds them (lower case), as equality compares them; TypeORM's own
      // find leaves them as given (on SQLite an upper-case id matches nothing there).
      const byTypeorm = await db().dataSource.manager.find(Operator, {
        where: { ...where, orchestratorId: owned.orchestrator.id },
      })
      expect(byTypeorm.map((operator) => operator.id)).toEqual([owned.operator.id])
      expect(await session.find(Operator, { where: { ...where, name: In(["nobody"]) } })).toEqual(
        [],
      )
    })

    it("still runs finds TypeORM understands: operators, select, where and order on relations", async () => {
      const owned = newOwned()
      await using session = open()
      session.addAll([owned.user, owned.orchestrator])
      session.add(newMessage(owned.project, { user: owned.user }, "one"))
      await session.commit()
      const byIn = await session.find(Operator, { where: { id: In([owned.operator.id]) } })
      expect(byIn.map((operator) => operator.id)).toEqual([owned.operator.id])
      const selected = await session.find(Operator, {
        select: { id: true, name: true },
        where: { orchestrator: { id: owned.orchestrator.id } },
        order: { name: { direction: "desc" } },
        skip: 0,
        take: 10,
      })
      expect(selected.map((operator) => operator.id)).toEqual([owned.operator.id])
      const messages = await session.find(Message, {
        where: { project: { orchestrator: { user: { id: owned.user.id } } } },
        relations: { project: true },
      })
      expect(messages).toHaveLength(1)
      const found = await session.findOne(Operator, {
        where: { name: owned.operator.name, orchestratorId: owned.orchestrator.id },
      })
      expect(found).toBe(owned.operator)
    })
    it("loads a relation whose foreign key is null on every row as null, with no query for it", async () => {
      const owned = newOwned()
      await using session = open()
      session.addAll([owned.user, owned.orchestrator])
      session.add(newMessage(owned.project, { user: owned.user }, "from the user"))
      await session.commit()
      await using reader = open()
      let messages: Message[] = []
      const statements = await log.capture(async () => {
        messages = await reader.find(Message, {
          where: { projectId: owned.project.id },
          relations: { operator: true },
        })
      })
      expect(messages.map((message) => message.operator)).toEqual([null])
      expect(dataStatements(statements)).toHaveLength(1)
    })
  },
  { extra: { logging: true, logger: log } },
)
