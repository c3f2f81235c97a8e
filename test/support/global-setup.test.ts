import { AVAILABLE_ENV } from "./servers"
import globalSetup, { requestedKinds } from "./global-setup"

// CONCRETE_DB_TEST_AVAILABLE set by hand restricts a run to the databases it names.
describe("the tests' global setup", () => {
  const saved = process.env[AVAILABLE_ENV]

  afterEach(() => {
    if (saved === undefined) delete process.env[AVAILABLE_ENV]
    else process.env[AVAILABLE_ENV] = saved
  })

  it("keeps a restriction set by hand instead of probing every server", async () => {
    process.env[AVAILABLE_ENV] = "sqlite"
    await globalSetup()
    expect(process.env[AVAILABLE_ENV]).toBe("sqlite")
  })

  it("reads a hand-set list, and takes every kind when it names none", () => {
    expect(requestedKinds("mariadb, sqlite")).toEqual(["sqlite", "mariadb"])
    expect(requestedKinds("postgres")).toEqual(["postgres"])
    expect(requestedKinds(undefined)).toEqual(["sqlite", "postgres", "mariadb"])
    expect(requestedKinds("")).toEqual(["sqlite", "postgres", "mariadb"])
    expect(requestedKinds("oracle")).toEqual(["sqlite", "postgres", "mariadb"])
  })
})
