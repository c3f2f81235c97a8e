import {
  MAX_LIMIT,
  Operator,
  Orchestrator,
  Project,
  Session,
  UniqueViolationError,
  ValidationError,
  createOrchestrator,
  deleteOrchestrator,
  getOrchestrator,
  getOrchestratorByName,
  getOrchestrators,
  updateOrchestrator,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make } from "../support/graph"
import { rejectionOf, seedOperator, seedOwner } from "./seed"

describeEachDatabase("orchestrators service", (db) => {
  const open = () => new Session(db().dataSource)

  it("creates an orchestrator from plain input and reads it by id and by name", async () => {
    let userId: string
    let id: string
    {
      await using session = open()
      const { user } = await seedOwner(session)
      userId = user.id
      const created = await createOrchestrator(session, { type: "software", name: "Acme", userId })
      id = created.id
      await session.commit()
    }
    await using reader = open()
    expect(await getOrchestrator(reader, id)).toMatchObject({
      id,
      name: "Acme",
      type: "software",
      userId,
    })
    expect((await getOrchestrator(reader, id, userId))?.id).toBe(id)
    expect((await getOrchestratorByName(reader, "Acme", userId))?.id).toBe(id)
  })

  it("never returns another user's orchestrator when a user is given", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const other = await seedOwner(session)
    await session.commit()
    expect(await getOrchestrator(session, orchestrator.id, other.user.id)).toBeNull()
    expect(await getOrchestratorByName(session, orchestrator.name, other.user.id)).toBeNull()
    const listed = await getOrchestrators(session, { userId: other.user.id })
    expect(listed.map((o) => o.id)).toEqual([other.orchestrator.id])
  })

  it("never changes or deletes another user's orchestrator", async () => {
    let id: string
    let name: string
    {
      await using session = open()
      const { orchestrator } = await seedOwner(session)
      const other = await seedOwner(session)
      id = orchestrator.id
      name = orchestrator.name
      expect(await updateOrchestrator(session, id, { name: "stolen" }, other.user.id)).toBeNull()
      expect(await deleteOrchestrator(session, id, other.user.id)).toBeNull()
      await session.commit()
    }
    await using reader = open()
    expect((await reader.get(Orchestrator, id))?.name).toBe(name)
  })

  it("renames the user's own orchestrator; a taken name is a UniqueViolationError", async () => {
    await using session = open()
    const { user, orchestrator } = await seedOwner(session)
    await createOrchestrator(session, { type: "software", name: "taken", userId: user.id })
    const renamed = await updateOrchestrator(session, orchestrator.id, { name: "Acme 2" }, user.id)
    expect(renamed).toBe(orchestrator)
    await session.commit()
    await session.refresh(orchestrator)
    expect(orchestrator.name).toBe("Acme 2")
    expect(
      await rejectionOf(updateOrchestrator(session, orchestrator.id, { name: "taken" })),
    ).toBeInstanceOf(UniqueViolationError)
    await session.rollback()
  })

  it("refuses an update of the owner, naming OrchestratorUpdate.userId, and changes nothing", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const other = await seedOwner(session)
    await session.commit()
    const error = await rejectionOf(
      updateOrchestrator(session, orchestrator.id, { userId: other.user.id } as never),
    )
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "OrchestratorUpdate.userId",
    ])
    await session.commit()
    await session.refresh(orchestrator)
    expect(orchestrator.userId).not.toBe(other.user.id)
  })

  it("counts a name's characters as the database does: what fits is stored, what does not is refused first", async () => {
    await using session = open()
    const { user } = await seedOwner(session)
    // "❤️" is two code points (U+2764 U+FE0F): 16 of them fill the 32 characters of the column.
    const fits = "❤️".repeat(16)
    const created = await createOrchestrator(session, {
      type: "software",
      name: fits,
      userId: user.id,
    })
    await session.commit()
    await session.refresh(created)
    expect(created.name).toBe(fits)
    const error = await rejectionOf(
      createOrchestrator(session, { type: "software", name: `${fits}❤️`, userId: user.id }),
    )
    expect(error).toBeInstanceOf(ValidationError)
    await session.commit()
  })

  it("returns null for an unknown or malformed id without failing the transaction", async () => {
    await using session = open()
    const { user } = await seedOwner(session)
    expect(await getOrchestrator(session, "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15")).toBeNull()
    expect(await getOrchestrator(session, "not-a-uuid")).toBeNull()
    expect(await getOrchestrator(session, "not-a-uuid", user.id)).toBeNull()
    expect(await updateOrchestrator(session, "not-a-uuid", { name: "x" })).toBeNull()
    expect(await getOrchestrators(session, { userId: "not-a-uuid" })).toEqual([])
    await session.commit()
  })

  it("deletes the user's orchestrator with its operators and projects", async () => {
    let ids: { orchestrator: string; operator: string; project: string }
    {
      await using session = open()
      const { user, orchestrator } = await seedOwner(session)
      const operator = await seedOperator(session, orchestrator.id)
      ids = {
        orchestrator: orchestrator.id,
        operator: operator.id,
        project: operator.directMessageProject!.id,
      }
      await session.commit()
      expect(await deleteOrchestrator(session, orchestrator.id, user.id)).toBe(orchestrator)
      await session.commit()
    }
    await using reader = open()
    expect(await reader.get(Orchestrator, ids.orchestrator)).toBeNull()
    expect(await reader.get(Operator, ids.operator)).toBeNull()
    expect(await reader.get(Project, ids.project)).toBeNull()
  })

  it("lists a user's orchestrators oldest first, by skip and limit", async () => {
    await using session = open()
    const { user, orchestrator } = await seedOwner(session)
    const created = [orchestrator]
    for (let i = 0; i < 4; i += 1) {
      created.push(
        await createOrchestrator(session, { type: "software", name: `page-${i}`, userId: user.id }),
      )
    }
    await session.commit()
    const ids = created.map((o) => o.id)
    const all = await getOrchestrators(session, { userId: user.id })
    expect(all.map((o) => o.id)).toEqual(ids)
    const page = await getOrchestrators(session, { userId: user.id, skip: 1, limit: 2 })
    expect(page.map((o) => o.id)).toEqual(ids.slice(1, 3))
    expect(await getOrchestrators(session, { userId: user.id, skip: 5 })).toEqual([])
    expect(await getOrchestrators(session, { userId: user.id, limit: 0 })).toEqual([])
    // Without a user: everyone's (this file has made far fewer than 1,000 so far).
    const everyone = await getOrchestrators(session, { limit: MAX_LIMIT })
    expect(everyone.map((o) => o.id)).toEqual(expect.arrayContaining(ids))
  })

  it("returns up to 1,000 per call, defaults to 100, and refuses a larger limit naming the cap", async () => {
    await using session = open()
    const { user, orchestrator } = await seedOwner(session)
    session.addAll(
      Array.from({ length: MAX_LIMIT + 5 }, (_, i) =>
        make(Orchestrator, { type: "software", name: `bulk-${i}`, userId: user.id }),
      ),
    )
    await session.commit()
    const full = await getOrchestrators(session, { userId: user.id, limit: MAX_LIMIT })
    expect(full).toHaveLength(MAX_LIMIT)
    expect(full[0]!.id).toBe(orchestrator.id)
    expect(await getOrchestrators(session, { userId: user.id })).toHaveLength(100)
    const tail = await getOrchestrators(session, { userId: user.id, skip: MAX_LIMIT, limit: 10 })
    expect(tail).toHaveLength(6)

    const error = await rejectionOf(
      getOrchestrators(session, { userId: user.id, limit: MAX_LIMIT + 1 }),
    )
    expect(error).toBeInstanceOf(ValidationError)
    const issues = (error as ValidationError).issues
    expect(issues.map((issue) => issue.property)).toEqual(["Pagination.limit"])
    expect(issues[0]!.reasons.join()).toContain("at most 1000 (MAX_LIMIT)")
  })

  it("refuses a negative or fractional skip or limit, naming it", async () => {
    await using session = open()
    const error = await rejectionOf(getOrchestrators(session, { skip: -1, limit: 1.5 }))
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "Pagination.skip",
      "Pagination.limit",
    ])
    for (const limit of [-1, NaN, Infinity, "10"]) {
      expect(
        await rejectionOf(getOrchestrators(session, { limit: limit as number })),
      ).toBeInstanceOf(ValidationError)
    }
  })
})
