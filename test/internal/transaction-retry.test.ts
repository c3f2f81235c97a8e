import {
  CommitOutcomeUnknownError,
  ConnectionError,
  QueryError,
  StatementTimeoutError,
  TransactionConflictError,
  UniqueViolationError,
} from "../../src"
import {
  isRetryableTransactionError,
  retryDelayMs,
  retryTransaction,
} from "../../src/internal/transaction-retry"

function driverError(fields: { message?: string } & Record<string, unknown>): Error {
  return Object.assign(new Error(fields.message ?? "driver error"), fields)
}

describe("isRetryableTransactionError", () => {
  it.each([
    ["a TransactionConflictError", new TransactionConflictError("conflict")],
    [
      "a ConnectionError whose connection was lost before COMMIT was sent",
      new ConnectionError("lost", { cause: driverError({ code: "57P01" }) }),
    ],
    [
      "a ConnectionError of a reset socket",
      new ConnectionError("lost", { cause: driverError({ code: "ECONNRESET" }) }),
    ],
    ["PostgreSQL's serialization failure 40001", driverError({ code: "40001" })],
    ["PostgreSQL's deadlock 40P01", driverError({ code: "40P01" })],
    ["MySQL/MariaDB's deadlock 1213", driverError({ errno: 1213, code: "ER_LOCK_DEADLOCK" })],
    ["a terminated PostgreSQL backend 57P01", driverError({ code: "57P01" })],
    ["node-postgres' lost connection", new Error("Connection terminated unexpectedly")],
    ["mysql2's lost connection", driverError({ code: "PROTOCOL_CONNECTION_LOST", fatal: true })],
  ])("retries %s", (_, error) => {
    expect(isRetryableTransactionError(error)).toBe(true)
  })

  it.each([
    ["a commit whose outcome is unknown", new CommitOutcomeUnknownError("unknown")],
    ["a unique violation", new UniqueViolationError("taken", {})],
    ["a statement timeout", new StatementTimeoutError("slow")],
    [
      "PostgreSQL's statement timeout 57014",
      driverError({ code: "57014", message: "canceling statement due to statement timeout" }),
    ],
    ["any other query error", new QueryError("syntax")],
    ["an error of the callback's own", new Error("planned")],
    ["a thrown string", "nope"],
    [
      "a server that refuses connections (nothing was open to lose)",
      new ConnectionError("refused", { cause: driverError({ code: "ECONNREFUSED" }) }),
    ],
    [
      "too many clients",
      driverError({ code: "53300", message: "sorry, too many clients already" }),
    ],
    ["pg-pool's connect timeout", new Error("timeout exceeded when trying to connect")],
    [
      "node-postgres' connect timeout",
      new Error("Connection terminated due to connection timeout"),
    ],
    ["a ConnectionError without a cause", new ConnectionError("the SQLite file stayed locked")],
  ])("never retries %s", (_, error) => {
    expect(isRetryableTransactionError(error)).toBe(false)
  })
})

describe("retryDelayMs", () => {
  it("stays within [half, all] of a ceiling that doubles from 20 ms up to 1 s", () => {
    const ceilings = [20, 40, 80, 160, 320, 640, 1000, 1000]
    ceilings.forEach((ceiling, index) => {
      expect(retryDelayMs(index + 1, () => 0)).toBe(ceiling / 2)
      expect(retryDelayMs(index + 1, () => 0.999999)).toBe(ceiling)
      for (let i = 0; i < 50; i++) {
        const delay = retryDelayMs(index + 1)
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
        expect(delay).toBeLessThanOrEqual(ceiling)
      }
    })
  })

  it("is jittered: two transactions that failed together do not wait the same", () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(5)))
    expect(delays.size).toBeGreaterThan(5)
  })
})

describe("retryTransaction", () => {
  const sleeps: number[] = []
  const options = (retries: number) => ({
    retries: () => Promise.resolve(retries),
    sleep: (ms: number) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    random: () => 0.5,
  })
  beforeEach(() => sleeps.splice(0))

  it("runs the callback again after a conflict and returns what the successful run returned", async () => {
    let runs = 0
    const result = await retryTransaction(() => {
      runs++
      if (runs < 3) return Promise.reject(new TransactionConflictError("conflict"))
      return Promise.resolve("done")
    }, options(3))
    expect(result).toBe("done")
    expect(runs).toBe(3)
    expect(sleeps).toEqual([15, 30])
  })

  it("runs it at most 1 + retries times, then throws the last error", async () => {
    for (const retries of [0, 1, 3, 5]) {
      let runs = 0
      const failure = new ConnectionError(`lost ${retries}`, {
        cause: driverError({ code: "ECONNRESET" }),
      })
      await expect(
        retryTransaction(() => {
          runs++
          return Promise.reject(failure)
        }, options(retries)),
      ).rejects.toBe(failure)
      expect(runs).toBe(1 + retries)
    }
  })

  it("never runs it again once COMMIT was sent and its outcome is unknown", async () => {
    let runs = 0
    const failure = new CommitOutcomeUnknownError("unknown")
    await expect(
      retryTransaction(() => {
        runs++
        return Promise.reject(failure)
      }, options(3)),
    ).rejects.toBe(failure)
    expect(runs).toBe(1)
    expect(sleeps).toEqual([])
  })

  it("does not ask for the retry count, nor wait, when the first run succeeds", async () => {
    const retries = jest.fn(() => Promise.resolve(3))
    await expect(retryTransaction(() => Promise.resolve(1), { retries })).resolves.toBe(1)
    expect(retries).not.toHaveBeenCalled()
  })

  it("rethrows an error of the callback's own at once", async () => {
    let runs = 0
    await expect(
      retryTransaction(() => {
        runs++
        return Promise.reject(new Error("planned"))
      }, options(3)),
    ).rejects.toThrow("planned")
    expect(runs).toBe(1)
  })
})
