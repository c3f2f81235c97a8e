import { Project, Session } from "../../../src"
import { PrefixCondition, prefixPattern } from "../../../src/internal/read/prefix-condition"
import { seedOwner } from "../../services/seed"
import { describeEachDatabase } from "../../support/databases"

describe("prefixPattern", () => {
  it("escapes LIKE's wildcards and the escape character, then matches any rest", () => {
    expect(prefixPattern("Build #")).toBe("Build #%")
    expect(prefixPattern("50% off_now!")).toBe("50!% off!_now!!%")
    expect(prefixPattern("")).toBe("%")
  })
})

describeEachDatabase("PrefixCondition", (db) => {
  const NAMES = ["50% off #1", "50% off #2", "50X off #3", "50% off", "other #1"]

  it("finds the values that start with the prefix, wildcards taken literally, on the session's path and through TypeORM's find alike", async () => {
    await using session = new Session(db().dataSource)
    const { orchestrator } = await seedOwner(session)
    for (const name of NAMES) {
      session.add(Object.assign(new Project(), { name, orchestratorId: orchestrator.id }))
    }
    await session.commit()
    const where = { orchestratorId: orchestrator.id, name: PrefixCondition.startsWith("50% off #") }
    const fast = await session.find(Project, { where })
    // `select` is not on the fast path: TypeORM's find runs the condition as its Raw operator.
    const typeorm = await session.find(Project, { where, select: { id: true, name: true } })
    const names = (projects: Project[]) => projects.map((project) => project.name).sort()
    expect(names(fast)).toEqual(["50% off #1", "50% off #2"])
    expect(names(typeorm)).toEqual(["50% off #1", "50% off #2"])
  })
})
