import {
  Client,
  Session,
  ValidationError,
  createClient,
  deleteClient,
  getClient,
  getClients,
  updateClient,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { rejectionOf, seedOperator, seedOwner } from "./seed"

describeEachDatabase("clients service", (db) => {
  const open = () => new Session(db().dataSource)

  async function seedClient(session: Session) {
    const { orchestrator } = await seedOwner(session)
    const operator = await seedOperator(session, orchestrator.id)
    const client = await createClient(session, {
      orchestratorId: orchestrator.id,
      operatorId: operator.id,
    })
    return { orchestrator, operator, client }
  }

  it("creates a client with the defaults, or with the values given", async () => {
    let ids: string[]
    {
      await using session = open()
      const { orchestrator, operator, client } = await seedClient(session)
      const custom = await createClient(session, {
        client: "Anthropic",
        model: "claude",
        temperature: 1.5,
        orchestratorId: orchestrator.id,
        operatorId: operator.id,
      })
      ids = [client.id, custom.id]
      await session.commit()
    }
    await using reader = open()
    expect(await reader.get(Client, ids[0])).toMatchObject({
      client: "OpenAI",
      model: "gpt-4o-mini",
      temperature: 0,
    })
    expect(await reader.get(Client, ids[1])).toMatchObject({
      client: "Anthropic",
      model: "claude",
      temperature: 1.5,
    })
  })

  it("refuses a client whose operator is not of the orchestrator, and writes nothing", async () => {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    const other = await seedOwner(session)
    const stranger = await seedOperator(session, other.orchestrator.id)
    await session.commit()
    const error = await rejectionOf(
      createClient(session, { orchestratorId: orchestrator.id, operatorId: stranger.id }),
    )
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "ClientCreate.operatorId",
    ])
    await session.commit()
    expect(await getClients(session, undefined, stranger.id)).toEqual([])
  })

  it("reads, changes and deletes a client only through its operator and orchestrator", async () => {
    await using session = open()
    const { orchestrator, operator, client } = await seedClient(session)
    const other = await seedClient(session)
    await session.commit()
    expect((await getClient(session, client.id, operator.id, orchestrator.id))?.id).toBe(client.id)
    expect(await getClient(session, client.id, other.operator.id, orchestrator.id)).toBeNull()
    expect(await getClient(session, client.id, operator.id, other.orchestrator.id)).toBeNull()
    expect(
      await updateClient(session, client.id, other.operator.id, orchestrator.id, { model: "x" }),
    ).toBeNull()
    expect(await deleteClient(session, client.id, operator.id, other.orchestrator.id)).toBeNull()
    await session.commit()
    await session.refresh(client)
    expect(client.model).toBe("gpt-4o-mini")

    const updated = await updateClient(session, client.id, operator.id, orchestrator.id, {
      temperature: 0.25,
      model: "gpt-4o",
    })
    expect(updated).toBe(client)
    await session.commit()
    await session.refresh(client)
    expect(client).toMatchObject({ temperature: 0.25, model: "gpt-4o", client: "OpenAI" })

    expect(await deleteClient(session, client.id, operator.id, orchestrator.id)).toBe(client)
    await session.commit()
    expect(await session.get(Client, client.id)).toBeNull()
  })

  it("refuses a temperature above 2 or a changed operator in an update", async () => {
    await using session = open()
    const { orchestrator, operator, client } = await seedClient(session)
    const error = await rejectionOf(
      updateClient(session, client.id, operator.id, orchestrator.id, {
        temperature: 3,
        operatorId: operator.id,
      } as never),
    )
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "ClientUpdate.operatorId",
      "ClientUpdate.temperature",
    ])
  })

  it("lists clients oldest first, by orchestrator and operator, by skip and limit", async () => {
    await using session = open()
    const { orchestrator, operator, client } = await seedClient(session)
    const second = await seedOperator(session, orchestrator.id)
    const more = [client]
    for (let i = 0; i < 3; i += 1) {
      more.push(
        await createClient(session, { orchestratorId: orchestrator.id, operatorId: operator.id }),
      )
    }
    const elsewhere = await createClient(session, {
      orchestratorId: orchestrator.id,
      operatorId: second.id,
    })
    await session.commit()
    const ids = more.map((c) => c.id)
    expect((await getClients(session, orchestrator.id, operator.id)).map((c) => c.id)).toEqual(ids)
    expect((await getClients(session, orchestrator.id)).map((c) => c.id)).toEqual([
      ...ids,
      elsewhere.id,
    ])
    const page = await getClients(session, orchestrator.id, operator.id, { skip: 1, limit: 2 })
    expect(page.map((c) => c.id)).toEqual(ids.slice(1, 3))
    expect(await getClients(session, "bad-id")).toEqual([])
  })
})
