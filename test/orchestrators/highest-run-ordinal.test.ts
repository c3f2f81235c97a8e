import type { EntityManager } from "typeorm"
import { Project, Session, uuidv7 } from "../../src"
import { highestRunOrdinal } from "../../src/orchestrators/highest-run-ordinal"
import { describeEachDatabase } from "../support/databases"
import { seedOwner } from "../services/seed"

describeEachDatabase("highestRunOrdinal", (db) => {
  const open = () => new Session(db().dataSource)

  /** An orchestrator with projects of these names; its id. */
  async function orchestratorWith(names: readonly string[]): Promise<string> {
    await using session = open()
    const { orchestrator } = await seedOwner(session)
    for (const name of names) {
      session.add(
        Object.assign(new Project(), { id: uuidv7(), name, orchestratorId: orchestrator.id }),
      )
    }
    await session.commit()
    return orchestrator.id
  }

  /** The highest ordinal, and how many queries the session's manager sent to find it. */
  async function highest(base: string, orchestratorId: string) {
    await using session = open()
    let queries = 0
    const manager = session.manager
    const counting = new Proxy(manager, {
      get: (target, property, receiver) => {
        if (property !== "query") return Reflect.get(target, property, receiver) as unknown
        return (...args: Parameters<EntityManager["query"]>) => {
          queries += 1
          return target.query(...args)
        }
      },
    })
    const watched = new Proxy(session, {
      get: (target, property) =>
        property === "manager" ? counting : (Reflect.get(target, property, target) as unknown),
    })
    const ordinal = await highestRunOrdinal(watched, base, orchestratorId)
    return { ordinal, queries }
  }

  it("is 0 when the orchestrator has no run of the prompt", async () => {
    const orchestratorId = await orchestratorWith(["Landing page", "Landing pages #4"])
    expect(await highest("Landing page", orchestratorId)).toEqual({ ordinal: 0, queries: 1 })
  })

  it("finds the highest ordinal as a number, not as text", async () => {
    const orchestratorId = await orchestratorWith(
      ["#9", "#10", "#2", "#12", "#1"].map((suffix) => `Landing page ${suffix}`),
    )
    expect(await highest("Landing page", orchestratorId)).toEqual({ ordinal: 12, queries: 1 })
  })

  it("reads one page of names however many runs there were", async () => {
    const names = Array.from({ length: 1_200 }, (_, i) => `Landing page #${i + 1}`)
    const orchestratorId = await orchestratorWith(names)
    expect(await highest("Landing page", orchestratorId)).toEqual({ ordinal: 1_200, queries: 1 })
  })

  it("skips names that only start like a run's, past a page of them", async () => {
    const odd = [
      // Another prompt's runs, names of the user's, and ordinals runProjectName never writes.
      ...Array.from({ length: 25 }, (_, i) => `Landing page #x #${i + 100}`),
      "Landing page #12abc",
      "Landing page #notes",
      "Landing page #007",
      "Landing page #0",
      "Landing page # 99",
      "Landing page #1234567890",
    ]
    const orchestratorId = await orchestratorWith([...odd, "Landing page #3", "Landing page #7"])
    expect(await highest("Landing page", orchestratorId)).toEqual({ ordinal: 7, queries: 2 })
  })

  it("counts only the orchestrator's own projects", async () => {
    const mine = await orchestratorWith(["Landing page #2"])
    await orchestratorWith(["Landing page #40"])
    expect((await highest("Landing page", mine)).ordinal).toBe(2)
  })

  it("counts characters as the database does, past letters of several bytes and emoji", async () => {
    const base = "Crème brûlée für 🐈 und 猫"
    const orchestratorId = await orchestratorWith(
      ["#8", "#31", "#4"].map((suffix) => `${base} ${suffix}`),
    )
    expect((await highest(base, orchestratorId)).ordinal).toBe(31)
  })

  it("takes %, _ and ! in the prompt literally", async () => {
    const orchestratorId = await orchestratorWith(["50X off_now #5", "50% off!now #2"])
    expect((await highest("50% off!now", orchestratorId)).ordinal).toBe(2)
    expect((await highest("50% off_now", orchestratorId)).ordinal).toBe(0)
  })
})
