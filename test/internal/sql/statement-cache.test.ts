import { Message, Operator } from "../../../src"
import { cachedSql, placeholders } from "../../../src/internal/sql/statement-cache"
import { DIALECTS, offlinePlans } from "../support/offline-plans"

describe("cachedSql", () => {
  it("builds a statement once per plan and key", async () => {
    const offline = await offlinePlans("sqlite")
    const message = offline.plan(Message)
    const build = jest.fn(() => "SELECT 1")
    expect(cachedSql(message, "test:a", build)).toBe("SELECT 1")
    expect(cachedSql(message, "test:a", build)).toBe("SELECT 1")
    expect(build).toHaveBeenCalledTimes(1)
    cachedSql(message, "test:b", build)
    cachedSql(offline.plan(Operator), "test:a", build)
    expect(build).toHaveBeenCalledTimes(3)
  })

  it("stays bounded: past 2000 statements of one plan it starts over", async () => {
    const offline = await offlinePlans("sqlite")
    const plan = offline.plan(Operator)
    const build = jest.fn((key: string) => key)
    for (let i = 0; i <= 2001; i += 1) cachedSql(plan, `bounded:${i}`, () => build(`${i}`))
    const built = build.mock.calls.length
    cachedSql(plan, "bounded:0", () => build("0"))
    expect(build.mock.calls.length).toBe(built + 1)
    cachedSql(plan, "bounded:2001", () => build("2001"))
    expect(build.mock.calls.length).toBe(built + 1)
  })
})

describe.each(DIALECTS)("placeholders on %s", (kind) => {
  it("numbers from the first index given, in the dialect's style", async () => {
    const offline = await offlinePlans(kind)
    const plan = offline.plan(Message)
    expect(placeholders(plan, 3)).toBe(kind === "postgres" ? "$1, $2, $3" : "?, ?, ?")
    expect(placeholders(plan, 2, 4)).toBe(kind === "postgres" ? "$4, $5" : "?, ?")
    expect(placeholders(plan, 0)).toBe("")
  })
})
