import { Log, MAX_LIMIT, Session, type ValidationError, getLogs, writeLog } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make } from "../support/graph"
import { rejectionOf } from "./seed"

describeEachDatabase("logs service", (db) => {
  const open = () => new Session(db().dataSource)

  it("writes log lines and reads the newest n back, oldest first", async () => {
    await using session = open()
    const written = []
    for (let i = 0; i < 5; i += 1) written.push(await writeLog(session, "info", `line ${i}`))
    await session.commit()
    const last3 = await getLogs(session, 3)
    expect(last3.map((line) => line.message)).toEqual(["line 2", "line 3", "line 4"])
    expect(last3.map((line) => line.id)).toEqual(written.slice(2).map((line) => line.id))
    expect(await getLogs(session, 0)).toEqual([])
  })

  it("refuses a level longer than 10 characters or a bad n, and writes nothing", async () => {
    await using session = open()
    const before = await session.manager.count(Log)
    const error = await rejectionOf(writeLog(session, "catastrophe", "x"))
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "LogCreate.level",
    ])
    for (const n of [-1, 2.5, NaN]) {
      const bad = await rejectionOf(getLogs(session, n))
      expect((bad as ValidationError).issues.map((issue) => issue.property)).toEqual(["getLogs.n"])
    }
    await session.commit()
    expect(await session.manager.count(Log)).toBe(before)
  })

  it("returns up to 1,000 lines and refuses more, naming the cap", async () => {
    await using session = open()
    session.addAll(
      Array.from({ length: MAX_LIMIT + 10 }, (_, i) =>
        make(Log, { level: "debug", message: `${i}` }),
      ),
    )
    await session.commit()
    const lines = await getLogs(session, MAX_LIMIT)
    expect(lines).toHaveLength(MAX_LIMIT)
    expect(lines[lines.length - 1]!.message).toBe(`${MAX_LIMIT + 9}`)
    const error = await rejectionOf(getLogs(session, 5000))
    const issues = (error as ValidationError).issues
    expect(issues.map((issue) => issue.property)).toEqual(["getLogs.n"])
    expect(issues[0]!.reasons.join()).toContain("at most 1000 (MAX_LIMIT)")
  })
})
