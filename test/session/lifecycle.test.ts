import type { DataSource } from "typeorm"
import {
  Message,
  Project,
  Session,
  SessionStateError,
  User,
  withSession,
  withTransaction,
} from "../../src"
import { describeEachDatabase, type TestDatabase } from "../support/databases"
import { newMessage, newOwned } from "../support/fixtures"
import { make, unique } from "../support/graph"

/** Rows of a table seen from outside any session (a fresh read on the data source). */
async function countUsers(dataSource: DataSource, email: string): Promise<number> {
  return dataSource.getRepository(User).countBy({ email })
}

/** Nothing of a session is left holding the database. */
function expectIdle(db: TestDatabase): Promise<void> {
  const { dataSource, kind } = db
  if (kind === "sqlite") {
    const connection = (
      dataSource.driver as unknown as { databaseConnection: { inTransaction: boolean } }
    ).databaseConnection
    expect(connection.inTransaction).toBe(false)
  } else if (kind === "postgres") {
    const runners = (dataSource.driver as unknown as { connectedQueryRunners: unknown[] })
      .connectedQueryRunners
    expect(runners).toHaveLength(0)
  } else {
    const pool = (
      dataSource.driver as unknown as {
        pool: { _allConnections: { length: number }; _freeConnections: { length: number } }
      }
    ).pool
    expect(pool._freeConnections.length).toBe(pool._allConnections.length)
  }
  return Promise.resolve()
}

describeEachDatabase("Session lifecycle", (db) => {
  it("takes no connection until it is used", async () => {
    const session = new Session(db().dataSource)
    session.add(make(User, { email: `${unique("idle")}@example.com` }))
    expect(session.isActive).toBe(false)
    await session.close()
    await expectIdle(db())
  })

  it("writes nothing before commit and everything at commit", async () => {
    const { dataSource } = db()
    const email = `${unique("commit")}@example.com`
    const session = new Session(dataSource)
    session.add(make(User, { email }))
    expect(await countUsers(dataSource, email)).toBe(0)
    await session.commit()
    expect(await countUsers(dataSource, email)).toBe(1)
    await session.close()
    await expectIdle(db())
  })

  it("stays usable after commit and begins a new transaction on next use", async () => {
    const { dataSource } = db()
    const session = new Session(dataSource)
    const first = session.add(make(User, { email: `${unique("a")}@example.com` }))
    await session.commit()
    expect(session.isActive).toBe(false)
    const second = session.add(make(User, { email: `${unique("b")}@example.com` }))
    await session.commit()
    expect(await countUsers(dataSource, first.email)).toBe(1)
    expect(await countUsers(dataSource, second.email)).toBe(1)
    await session.close()
  })

  it("discards staged and flushed work on rollback, and stays usable", async () => {
    const { dataSource } = db()
    const session = new Session(dataSource)
    const staged = session.add(make(User, { email: `${unique("staged")}@example.com` }))
    await session.flush()
    expect(await session.get(User, staged.id)).toBe(staged)
    await session.rollback()
    expect(await session.get(User, staged.id)).toBeNull()
    expect(await countUsers(dataSource, staged.email)).toBe(0)
    const kept = session.add(make(User, { email: `${unique("kept")}@example.com` }))
    await session.commit()
    expect(await countUsers(dataSource, kept.email)).toBe(1)
    await session.close()
    await expectIdle(db())
  })

  it("puts back a flushed update's values and snapshot on rollback, so setting it again is written", async () => {
    const { dataSource } = db()
    const email = `${unique("undo")}@example.com`
    const id = await withTransaction(
      (s) => Promise.resolve(s.add(make(User, { email, firstName: "Before" })).id),
      dataSource,
    )
    const firstName = async () =>
      (await dataSource.getRepository(User).findOneByOrFail({ id })).firstName
    await using session = new Session(dataSource)
    const user = (await session.get(User, id))!
    user.firstName = "After"
    await session.flush()
    await session.rollback()
    expect(await firstName()).toBe("Before")
    // The object is as the row is again, and so must be what the session compares it with:
    // the same change made again is a change, and the commit writes it.
    expect(user.firstName).toBe("Before")
    expect(await session.get(User, id)).toBe(user)
    user.firstName = "After"
    await session.commit()
    expect(await firstName()).toBe("After")
  })

  it("rolls back what was not committed on close", async () => {
    const { dataSource } = db()
    const session = new Session(dataSource)
    const user = session.add(make(User, { email: `${unique("close")}@example.com` }))
    await session.flush()
    await session.close()
    expect(await countUsers(dataSource, user.email)).toBe(0)
    await expectIdle(db())
  })

  it("drops staged work on close when nothing was flushed", async () => {
    const { dataSource } = db()
    const session = new Session(dataSource)
    const user = session.add(make(User, { email: `${unique("staged")}@example.com` }))
    await session.close()
    expect(session.isClosed).toBe(true)
    expect(await countUsers(dataSource, user.email)).toBe(0)
    await expectIdle(db())
  })

  it("lets a commit still running finish before close", async () => {
    const { dataSource } = db()
    const session = new Session(dataSource)
    const user = session.add(make(User, { email: `${unique("pending")}@example.com` }))
    const committing = session.commit()
    const closing = session.close()
    await Promise.all([committing, closing])
    expect(session.isClosed).toBe(true)
    expect(await countUsers(dataSource, user.email)).toBe(1)
    await expectIdle(db())
  })

  it("closes through await using without committing", async () => {
    const { dataSource } = db()
    const email = `${unique("using")}@example.com`
    {
      await using session = new Session(dataSource)
      session.add(make(User, { email }))
      await session.flush()
    }
    expect(await countUsers(dataSource, email)).toBe(0)
    await expectIdle(db())
  })

  it("refuses to be used after close", async () => {
    const session = new Session(db().dataSource)
    await session.close()
    expect(() => session.add(new User())).toThrow(SessionStateError)
    await expect(session.commit()).rejects.toThrow(SessionStateError)
    await expect(session.close()).resolves.toBeUndefined()
  })

  it("withSession closes without committing", async () => {
    const { dataSource } = db()
    const email = `${unique("with")}@example.com`
    const seen = await withSession(async (session) => {
      session.add(make(User, { email }))
      return session.findOne(User, { where: { email } })
    }, dataSource)
    expect(seen?.email).toBe(email)
    expect(await countUsers(dataSource, email)).toBe(0)
  })

  it("withTransaction commits when the function returns", async () => {
    const { dataSource } = db()
    const email = `${unique("tx")}@example.com`
    const user = await withTransaction(
      (session) => Promise.resolve(session.add(make(User, { email }))),
      dataSource,
    )
    expect(user.email).toBe(email)
    expect(await countUsers(dataSource, email)).toBe(1)
  })

  it("withTransaction rolls back and rethrows when the function throws", async () => {
    const { dataSource } = db()
    const email = `${unique("throw")}@example.com`
    const boom = new Error("boom")
    await expect(
      withTransaction(async (session) => {
        session.add(make(User, { email }))
        await session.flush()
        throw boom
      }, dataSource),
    ).rejects.toBe(boom)
    expect(await countUsers(dataSource, email)).toBe(0)
    await expectIdle(db())
  })

  it("reads see staged work: get, find, findOne, refresh and manager", async () => {
    const { dataSource } = db()
    await using session = new Session(dataSource)
    const { user, project, operator } = newOwned()
    session.add(user)
    session.add(project)
    const message = session.add(newMessage(project, { operator }, "staged"))

    expect(await session.get(Message, message.id)).toBe(message)
    const found = await session.find(Message, { where: { projectId: project.id } })
    expect(found).toEqual([message])
    expect(await session.findOne(Project, { where: { id: project.id } })).toBe(project)
    expect(await session.manager.count(Message, { where: { projectId: project.id } })).toBe(1)
    message.status = "ready"
    await session.refresh(message)
    expect(message.status).toBe("init")
  })

  it("runs manager calls inside its transaction", async () => {
    const { dataSource } = db()
    await using session = new Session(dataSource)
    const email = `${unique("manager")}@example.com`
    await session.manager.insert(
      User,
      make(User, { email, createdAt: new Date(), updatedAt: new Date() }),
    )
    expect(await session.manager.countBy(User, { email })).toBe(1)
    await session.rollback()
    expect(await countUsers(dataSource, email)).toBe(0)
  })
})
