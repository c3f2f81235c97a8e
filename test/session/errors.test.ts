import {
  CheckViolationError,
  ConcreteDbError,
  ForeignKeyViolationError,
  Message,
  NotNullViolationError,
  Operator,
  Orchestrator,
  Project,
  Session,
  SessionStateError,
  UniqueViolationError,
  User,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { committedOwned, newMessage } from "../support/fixtures"
import { make, unique } from "../support/graph"

describeEachDatabase("Session errors", (db) => {
  const open = () => new Session(db().dataSource)

  it("rolls back the whole commit when the third of five entities violates a constraint", async () => {
    const existing = await committedOwned(db().dataSource)
    await using session = open()
    const user = make(User, { email: `${unique("five")}@example.com` })
    const orchestrator = make(Orchestrator, { type: "software", name: "five", user })
    // Third in insert order (users, orchestrators, operators, …): a duplicate operator name.
    const twin = make(Operator, {
      name: existing.operator.name,
      title: "twin",
      instructions: "again",
      orchestratorId: existing.orchestrator.id,
    })
    const project = make(Project, { name: "five", orchestrator })
    const message = newMessage(project, { user })
    session.addAll([message, project, twin, orchestrator, user])

    const error = await session.commit().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UniqueViolationError)
    expect((error as UniqueViolationError).table).toBe("operator")

    await using reader = open()
    expect(await reader.get(User, user.id)).toBeNull()
    expect(await reader.get(Orchestrator, orchestrator.id)).toBeNull()
    expect(await reader.get(Project, project.id)).toBeNull()
    expect(await reader.get(Message, message.id)).toBeNull()
  })

  it("refuses further work after a failed commit until rollback, then works again", async () => {
    const existing = await committedOwned(db().dataSource)
    const session = open()
    session.add(make(User, { email: existing.user.email }))
    await expect(session.commit()).rejects.toThrow(UniqueViolationError)
    expect(() => session.add(new User())).toThrow(SessionStateError)
    await expect(session.get(User, existing.user.id)).rejects.toThrow(/call session.rollback\(\)/)
    await expect(session.commit()).rejects.toThrow(SessionStateError)

    await session.rollback()
    const fresh = session.add(make(User, { email: `${unique("after")}@example.com` }))
    await session.commit()
    expect((await session.get(User, fresh.id))?.email).toBe(fresh.email)
    await session.close()
  })

  it("names the entity, property, value and constraint of a duplicate, and keeps the driver error", async () => {
    const existing = await committedOwned(db().dataSource)
    await using session = open()
    session.add(make(User, { email: existing.user.email }))
    const error = (await session
      .commit()
      .catch((caught: unknown) => caught)) as UniqueViolationError
    expect(error).toBeInstanceOf(UniqueViolationError)
    expect(error).toBeInstanceOf(ConcreteDbError)
    expect(error.name).toBe("UniqueViolationError")
    expect(error.table).toBe("user")
    expect(error.columns).toEqual(["email"])
    expect(error.message).toContain("User.email")
    if (db().kind !== "sqlite") {
      expect(error.constraint).toBe("UQ_user_email")
      expect(error.message).toContain(existing.user.email)
    }
    expect(error.cause).toBeDefined()
  })

  it("reports a foreign key to a missing row", async () => {
    await using session = open()
    session.add(
      make(Orchestrator, {
        type: "software",
        name: "orphan",
        userId: "01900000-0000-7000-8000-000000000000",
      }),
    )
    const error = (await session
      .commit()
      .catch((caught: unknown) => caught)) as ForeignKeyViolationError
    expect(error).toBeInstanceOf(ForeignKeyViolationError)
    expect(error.table).toBe("orchestrator")
    expect(error.message).toMatch(/Orchestrator/)
    if (db().kind !== "sqlite") expect(error.constraint).toBe("FK_orchestrator_user_id")
  })

  it("reports a message with both senders as a check violation with the fix", async () => {
    const { user, operator, project } = await committedOwned(db().dataSource)
    await using session = open()
    session.add(newMessage(project, { user, operator }))
    const error = (await session.commit().catch((caught: unknown) => caught)) as CheckViolationError
    expect(error).toBeInstanceOf(CheckViolationError)
    expect(error.constraint).toBe("CHK_message_sender")
    expect(error.message).toMatch(/exactly one sender/)
  })

  it("reports a missing required value", async () => {
    await using session = open()
    session.add(new User())
    const error = (await session
      .commit()
      .catch((caught: unknown) => caught)) as NotNullViolationError
    expect(error).toBeInstanceOf(NotNullViolationError)
    expect(error.message).toMatch(/User\.email is required/)
  })

  it("returns null for an id that cannot exist instead of failing the transaction", async () => {
    await using session = open()
    expect(await session.get(User, "not-a-uuid")).toBeNull()
    session.add(make(User, { email: `${unique("still")}@example.com` }))
    await expect(session.commit()).resolves.toBeUndefined()
  })
})

describe("Session without a database", () => {
  it("reports a data source that could not be had without claiming a statement failed", async () => {
    const session = new Session(Promise.reject(new Error("no database today")))
    const error = (await session.find(User).catch((caught: unknown) => caught)) as Error
    expect(error).toBeInstanceOf(ConcreteDbError)
    expect(error.message).toBe("Could not open the database: no database today.")
    expect(error.cause).toBeInstanceOf(Error)
    await session.close()
  })
})
