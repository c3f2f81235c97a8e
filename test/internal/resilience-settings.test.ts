import { DataSource } from "typeorm"
import { ConfigurationError } from "../../src"
import { dataSourceOptionsFromEnv } from "../../src/data-source-options"
import { resilienceOf } from "../../src/internal/resilience-settings"

const SERVER = {
  DB_DRIVER: "postgresql",
  DB_USERNAME: "app",
  DB_PASSWORD: "secret",
  DB_HOST: "db",
  DB_PORT: "5432",
  DB_DATABASE: "app",
}

function settings(env: Record<string, string>) {
  return resilienceOf(new DataSource(dataSourceOptionsFromEnv(env)))
}

describe("resilience settings from the environment", () => {
  it("defaults to 3 transaction retries and no statement timeout", () => {
    expect(settings(SERVER)).toEqual({ transactionRetries: 3, statementTimeoutMs: 0 })
    expect(settings({})).toEqual({ transactionRetries: 3, statementTimeoutMs: 0 })
  })

  it("reads DB_TRANSACTION_RETRIES and DB_STATEMENT_TIMEOUT_MS, from DATABASE_URL setups too", () => {
    expect(
      settings({ ...SERVER, DB_TRANSACTION_RETRIES: "0", DB_STATEMENT_TIMEOUT_MS: "1500" }),
    ).toEqual({ transactionRetries: 0, statementTimeoutMs: 1500 })
    expect(
      settings({ DATABASE_URL: "mariadb://root:pw@db/app", DB_TRANSACTION_RETRIES: " 7 " }),
    ).toEqual({ transactionRetries: 7, statementTimeoutMs: 0 })
  })

  it("keeps them through the options spread createDataSource does", () => {
    const options = dataSourceOptionsFromEnv({ ...SERVER, DB_TRANSACTION_RETRIES: "5" })
    expect(resilienceOf(new DataSource({ ...options, logging: false })).transactionRetries).toBe(5)
  })

  it("refuses a bad value with a ConfigurationError naming the variable and the value", () => {
    let error: unknown
    try {
      dataSourceOptionsFromEnv({
        ...SERVER,
        DB_TRANSACTION_RETRIES: "-1",
        DB_STATEMENT_TIMEOUT_MS: "2s",
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).problems).toEqual([
      'DB_TRANSACTION_RETRIES must be a whole number of at least 0, not "-1"',
      'DB_STATEMENT_TIMEOUT_MS must be a whole number of at least 0, not "2s"',
    ])
    expect((error as Error).message).not.toContain("secret")
  })

  it("gives a data source built by hand (without the environment) the defaults", () => {
    expect(resilienceOf(new DataSource({ type: "better-sqlite3", database: ":memory:" }))).toEqual({
      transactionRetries: 3,
      statementTimeoutMs: 0,
    })
  })
})
