import {
  ConcreteDbError,
  createDataSource,
  dataSourceOptionsFromEnv,
  describeTarget,
  type Env,
} from "../../src"
import { DB_PASSWORD, expectNoSecret, renderings } from "./fixtures/secrets"

// Secrets in configuration errors: a database password never appears in what a bad
// configuration reports, nor where a data source is described. (Shared: fixtures/secrets.ts;
// the CLI's output: secrets-cli.test.ts.)

describe("secrets in configuration errors", () => {
  const server: Env = {
    DB_DRIVER: "postgresql",
    DB_USERNAME: "app",
    DB_PASSWORD,
    DB_HOST: "db.example.com",
    DB_PORT: "5432",
    DB_DATABASE: "concrete",
  }
  const cases: ReadonlyArray<readonly [string, Env]> = [
    ["a missing host", { ...server, DB_HOST: undefined }],
    ["a bad port", { ...server, DB_PORT: "fifty" }],
    ["an unknown driver", { ...server, DB_DRIVER: "oracle" }],
    ["no driver", { ...server, DB_DRIVER: undefined }],
    ["a bad connect timeout", { ...server, DB_CONNECT_TIMEOUT_MS: "-5" }],
    ["a bad pool size", { ...server, DB_POOL_SIZE: "many" }],
    ["a bad DB_SSL", { ...server, DB_SSL: "maybe" }],
    [
      "a URL and DB_* at once",
      { ...server, DATABASE_URL: `postgresql://app:${DB_PASSWORD}@db/concrete` },
    ],
    [
      "a URL with a bad port",
      { DATABASE_URL: `postgresql://app:${DB_PASSWORD}@db:99999/concrete` },
    ],
    ["a URL without a host", { DATABASE_URL: `mysql://app:${DB_PASSWORD}@/concrete` }],
    ["a URL without a database", { DATABASE_URL: `mysql://app:${DB_PASSWORD}@db:3306` }],
    ["a URL with an unknown scheme", { DATABASE_URL: `oracle://app:${DB_PASSWORD}@db/concrete` }],
    [
      "a URL that does not parse",
      { DATABASE_URL: `postgresql://app:${DB_PASSWORD}@[bad/concrete` },
    ],
    ["a password pasted as the URL", { DATABASE_URL: DB_PASSWORD }],
    ["a URL with a password and no user", { DATABASE_URL: `postgresql://:${DB_PASSWORD}@db/x` }],
  ]

  it.each(cases)("does not show the password for %s", (_label, env) => {
    let error: unknown
    try {
      createDataSource({ env })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConcreteDbError)
    expectNoSecret(`ConfigurationError for ${_label}`, renderings(error))
  })

  it("masks the password wherever a data source is described", () => {
    const options = dataSourceOptionsFromEnv(server)
    expectNoSecret("describeTarget", [describeTarget(options)])
    const fromUrl = dataSourceOptionsFromEnv({
      DATABASE_URL: `mysql://app:${encodeURIComponent(DB_PASSWORD)}@db:3306/concrete`,
    })
    expect((fromUrl as { password?: string }).password).toBe(DB_PASSWORD)
    expectNoSecret("describeTarget", [describeTarget(fromUrl)])
  })
})
