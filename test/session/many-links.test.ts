import { Operator, Session, Tool } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { committedOwned } from "../support/fixtures"
import { make } from "../support/graph"

// More links than one statement may carry values: SQLite takes 32,766, PostgreSQL and MariaDB
// 65,535 (src/internal/drivers/*/…-dialect.ts).
const PARAMETER_LIMITS: Record<string, number> = { "better-sqlite3": 32_766 }

describeEachDatabase("Session many-to-many links past one statement's parameters", (db) => {
  it("adds, replaces and removes more links than one statement takes", async () => {
    const { dataSource } = db()
    const limit = PARAMETER_LIMITS[dataSource.options.type] ?? 65_535
    const count = limit + 2
    const { operator } = await committedOwned(dataSource)
    const tools = Array.from({ length: count }, (_, i) => make(Tool, { name: `t${i}` }))
    const stored = async () => {
      await using reader = new Session(dataSource)
      const loaded = await reader.findOne(Operator, {
        where: { id: operator.id },
        relations: { tools: true },
      })
      return new Set((loaded?.tools ?? []).map((tool) => tool.name))
    }

    // One INSERT would need 2 × count values.
    await using session = new Session(dataSource)
    const tracked = (await session.get(Operator, operator.id))!
    tracked.tools = tools
    await session.commit()
    expect((await stored()).size).toBe(count)

    // Loaded without its links, the operator's new list replaces whatever is stored: a NOT IN
    // of count - 1 ids would need count values.
    {
      await using writer = new Session(dataSource)
      const loaded = (await writer.get(Operator, operator.id))!
      loaded.tools = (await writer.find(Tool)).filter((tool) => tool.name !== "t0")
      await writer.commit()
    }
    const replaced = await stored()
    expect(replaced.size).toBe(count - 1)
    expect(replaced.has("t0")).toBe(false)

    // Loaded with them, dropping all but two is an IN list of count - 3 ids.
    {
      await using writer = new Session(dataSource)
      const loaded = (await writer.findOne(Operator, {
        where: { id: operator.id },
        relations: { tools: true },
      }))!
      loaded.tools = loaded.tools!.filter((tool) => tool.name === "t1" || tool.name === "t2")
      await writer.commit()
    }
    expect([...(await stored())].sort()).toEqual(["t1", "t2"])
  }, 180_000)
})
