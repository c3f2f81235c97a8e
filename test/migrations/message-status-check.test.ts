import type { DataSource } from "typeorm"
import {
  CheckViolationError,
  MESSAGE_STATUSES,
  Message,
  type MessageStatus,
  Session,
  createOrchestrator,
  createProject,
  createUser,
  migrate,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make, unique } from "../support/graph"

const STATUS_CHECK = "MessageStatusCheck1795910400000"

const SILENT = {
  logQuery() {},
  logQueryError() {},
  logQuerySlow() {},
  logSchemaBuild() {},
  logMigration() {},
  log() {},
}

/** A project and its user, committed. */
async function seedProject(dataSource: DataSource): Promise<{ projectId: string; userId: string }> {
  await using session = new Session(dataSource)
  const user = await createUser(session, { email: `${unique("status")}@example.com` })
  const orchestrator = await createOrchestrator(session, {
    type: "software",
    name: unique("o").slice(-32),
    userId: user.id,
  })
  const project = await createProject(session, {
    name: unique("p"),
    orchestratorId: orchestrator.id,
  })
  await session.commit()
  return { projectId: project.id, userId: user.id }
}

function message(owner: { projectId: string; userId: string }, status: string): Message {
  return make(Message, {
    type: "textmessage",
    content: JSON.stringify({ text: status }),
    projectId: owner.projectId,
    userId: owner.userId,
    status: status as MessageStatus,
  })
}

/** Commits `messages` in a session of their own; the error, or undefined. */
async function commitMessages(dataSource: DataSource, messages: Message[]): Promise<unknown> {
  await using session = new Session(dataSource)
  session.addAll(messages)
  return session.commit().then(
    () => undefined,
    (error: unknown) => error,
  )
}

async function statuses(dataSource: DataSource, projectId: string): Promise<string[]> {
  await using session = new Session(dataSource)
  const rows = await session.find(Message, { where: { projectId }, order: { id: "ASC" } })
  return rows.map((row) => row.status)
}

describeEachDatabase("MessageStatusCheck migration", (db) => {
  it("makes the database refuse a status outside the five with a CheckViolationError", async () => {
    const { dataSource } = db()
    const owner = await seedProject(dataSource)
    expect(
      await commitMessages(
        dataSource,
        MESSAGE_STATUSES.map((status) => message(owner, status)),
      ),
    ).toBeUndefined()
    for (const bad of ["bogus", "Finished", "init "]) {
      const error = await commitMessages(dataSource, [message(owner, bad)])
      expect(error).toBeInstanceOf(CheckViolationError)
      expect((error as CheckViolationError).constraint).toBe("CHK_message_status")
      expect((error as CheckViolationError).message).toBe(
        "Message breaks the check (CHK_message_status): status is one of init, ready, working, waiting, finished.",
      )
    }
    expect(await statuses(dataSource, owner.projectId)).toEqual([...MESSAGE_STATUSES])
  })

  it("refuses a database holding a bad status, naming each such row, and changes nothing", async () => {
    const { dataSource } = db()
    await dataSource.undoLastMigration({ transaction: "each" })
    expect(await dataSource.showMigrations()).toBe(true)
    const owner = await seedProject(dataSource)
    const good = message(owner, "working")
    const bogus = message(owner, "bogus")
    const capital = message(owner, "Finished")
    expect(await commitMessages(dataSource, [good, bogus, capital])).toBeUndefined()

    // TypeORM reports a failed migration on the console whatever the logging option.
    const quiet = db().createDataSource({ logger: SILENT })
    await quiet.initialize()
    const error = await migrate(quiet).catch((caught: unknown) => caught)
    await quiet.destroy()
    expect(error).toBeInstanceOf(CheckViolationError)
    const text = (error as Error).message
    expect(text).toContain(`${bogus.id} ("bogus")`)
    expect(text).toContain(`${capital.id} ("Finished")`)
    expect(text).not.toContain(good.id)
    expect(text).toMatch(/^2 message row\(s\) have a status outside init, ready, working/)
    expect(text).toContain("nothing was changed")

    // Not applied, rows as they were, and still no check: another bad row is accepted.
    expect(await dataSource.showMigrations()).toBe(true)
    expect(await statuses(dataSource, owner.projectId)).toEqual(["working", "bogus", "Finished"])
    const another = message(owner, "bogus")
    expect(await commitMessages(dataSource, [another])).toBeUndefined()

    // Fixed, the migration runs and keeps every row.
    {
      await using session = new Session(dataSource)
      const rows = await session.find(Message, { where: { projectId: owner.projectId } })
      for (const row of rows) if (row.status !== "working") row.status = "init"
      await session.commit()
    }
    const ran = await migrate(dataSource)
    expect(ran.map((migration) => migration.name)).toEqual([STATUS_CHECK])
    expect(await statuses(dataSource, owner.projectId)).toEqual(["working", "init", "init", "init"])
    expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([])
    expect(await commitMessages(dataSource, [message(owner, "bogus")])).toBeInstanceOf(
      CheckViolationError,
    )
  })

  it("is removed again by its down(), and comes back when migrated again", async () => {
    const { dataSource } = db()
    const owner = await seedProject(dataSource)
    await dataSource.undoLastMigration({ transaction: "each" })
    const bogus = message(owner, "bogus")
    expect(await commitMessages(dataSource, [bogus])).toBeUndefined()
    {
      await using session = new Session(dataSource)
      session.delete((await session.get(Message, bogus.id))!)
      await session.commit()
    }
    expect((await migrate(dataSource)).map((migration) => migration.name)).toEqual([STATUS_CHECK])
    expect(await commitMessages(dataSource, [message(owner, "bogus")])).toBeInstanceOf(
      CheckViolationError,
    )
    if (db().kind === "sqlite") {
      expect(await dataSource.query("PRAGMA foreign_key_check")).toEqual([])
      expect(await dataSource.query("PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }])
    }
  })
})
