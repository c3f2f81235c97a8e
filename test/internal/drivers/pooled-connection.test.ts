import type { DataSource, QueryRunner } from "typeorm"
import { CommitOutcomeUnknownError } from "../../../src"
import {
  openPooledConnection,
  type Executor,
  type PooledDriver,
} from "../../../src/internal/drivers/pooled-connection"
import { postgresErrorClassifier } from "../../../src/internal/drivers/postgres/postgres-error-classifier"

/** A server connection of the fake pool: answers every statement, or fails as told. */
class FakeClient {
  readonly statements: string[] = []
  /** What the next statements throw, in order (undefined: they succeed). */
  readonly failures: Array<Error | undefined> = []

  constructor(readonly id: number) {}

  execute = (sql: string): ReturnType<Executor> => {
    this.statements.push(sql)
    const failure = this.failures.shift()
    return failure ? Promise.reject(failure) : Promise.resolve({ affected: 1, rows: [[this.id]] })
  }
}

const lost = () =>
  Object.assign(new Error("terminating connection due to administrator command"), {
    code: "57P01",
  })

/** A data source whose pool hands out `clients` in order, and records what came back how. */
function fakePool(clients: FakeClient[]) {
  const released: number[] = []
  const discarded: number[] = []
  let next = 0
  const dataSource = {
    options: { type: "postgres", host: "db", port: 5432, database: "app", username: "app" },
    createQueryRunner: () => {
      const client = clients[next++]!
      const runner = {
        isReleased: false,
        isTransactionActive: false,
        connect: () => Promise.resolve(client),
        release: () => {
          runner.isReleased = true
          released.push(client.id)
          return Promise.resolve()
        },
        client,
      }
      return runner
    },
  } as unknown as DataSource
  const driver: PooledDriver = {
    execute: (client, sql) => (client as FakeClient).execute(sql),
    discard: (queryRunner: QueryRunner) => {
      const runner = queryRunner as unknown as { isReleased: boolean; client: FakeClient }
      runner.isReleased = true
      discarded.push(runner.client.id)
      return Promise.resolve()
    },
    classifier: postgresErrorClassifier,
    neverSent: (error) => /is not queryable/.test((error as Error).message),
    beginSql: () => "START TRANSACTION",
  }
  return { dataSource, driver, released, discarded, taken: () => next }
}

describe("openPooledConnection", () => {
  it("sends the first statement again on a fresh connection when the pooled one was closed", async () => {
    const dead = new FakeClient(1)
    dead.failures.push(lost())
    const alsoDead = new FakeClient(2)
    alsoDead.failures.push(new Error("Connection terminated unexpectedly"))
    const fresh = new FakeClient(3)
    const pool = fakePool([dead, alsoDead, fresh])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)

    await connection.begin()
    expect(await connection.run("INSERT INTO t VALUES (1)", [])).toBe(1)
    await connection.commit()
    await connection.release()

    expect(pool.discarded).toEqual([1, 2])
    expect(fresh.statements).toEqual(["START TRANSACTION", "INSERT INTO t VALUES (1)", "COMMIT"])
    expect(pool.released).toEqual([3])
  })

  it("shows the driver every client it checks out, the fresh one after a lost connection too", async () => {
    const dead = new FakeClient(1)
    dead.failures.push(lost())
    const pool = fakePool([dead, new FakeClient(2)])
    const seen: number[] = []
    const driver: PooledDriver = {
      ...pool.driver,
      checkedOut: (client) => seen.push((client as FakeClient).id),
    }
    const connection = await openPooledConnection(pool.dataSource, driver)
    expect(seen).toEqual([1])
    await connection.rows("SELECT id FROM t", [])
    expect(seen).toEqual([1, 2])
  })

  it("resends a first read as well, and the query runner is the fresh connection's", async () => {
    const dead = new FakeClient(1)
    dead.failures.push(lost())
    const pool = fakePool([dead, new FakeClient(2)])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    expect(await connection.rows("SELECT id FROM t", [])).toEqual([[2]])
    expect((connection.queryRunner as unknown as { client: FakeClient }).client.id).toBe(2)
  })

  it("fails a statement on a connection lost after something was sent: it is never resent", async () => {
    const client = new FakeClient(1)
    const pool = fakePool([client, new FakeClient(2)])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await connection.begin()
    client.failures.push(lost())
    await expect(connection.run("INSERT INTO t VALUES (1)", [])).rejects.toMatchObject({
      code: "57P01",
    })
    expect(pool.taken()).toBe(1)
  })

  it("does not resend a first statement that failed for another reason than a lost connection", async () => {
    const client = new FakeClient(1)
    client.failures.push(Object.assign(new Error("syntax error"), { code: "42601" }))
    const pool = fakePool([client, new FakeClient(2)])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await expect(connection.rows("SELEC 1", [])).rejects.toThrow("syntax error")
    expect(pool.taken()).toBe(1)
  })

  it("reports a COMMIT whose connection was lost after it was sent as an unknown outcome", async () => {
    const client = new FakeClient(1)
    const pool = fakePool([client])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await connection.begin()
    await connection.run("INSERT INTO t VALUES (1)", [])
    client.failures.push(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))
    const failure = await connection.commit().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CommitOutcomeUnknownError)
    expect((failure as Error).message).toBe(
      "The connection to postgres://app@db:5432/app was lost after COMMIT was sent, so whether the transaction was committed is unknown (read ECONNRESET); it was not retried: check whether its writes are there before running it again.",
    )
    expect(client.statements.at(-1)).toBe("COMMIT")
    expect(connection.inTransaction).toBe(false)
  })

  it("reports a COMMIT the driver refused to send on a closed connection as the lost connection it is", async () => {
    const client = new FakeClient(1)
    const pool = fakePool([client])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await connection.begin()
    client.failures.push(
      new Error("Client has encountered a connection error and is not queryable"),
    )
    const failure = await connection.commit().catch((error: unknown) => error)
    expect(failure).not.toBeInstanceOf(CommitOutcomeUnknownError)
    expect((failure as Error).message).toMatch(/not queryable/)
  })

  it("sends a statement alone again on a fresh connection only when the driver refused to send it", async () => {
    const closed = new FakeClient(1)
    closed.failures.push(
      new Error("Client has encountered a connection error and is not queryable"),
    )
    const fresh = new FakeClient(2)
    const pool = fakePool([closed, fresh])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    expect(await connection.runAlone("INSERT INTO t VALUES (1)", [])).toBe(1)
    expect(pool.discarded).toEqual([1])
    expect(fresh.statements).toEqual(["INSERT INTO t VALUES (1)"])
  })

  it("reports a statement alone whose connection was lost under it as an unknown outcome, never resent", async () => {
    const client = new FakeClient(1)
    client.failures.push(lost())
    const pool = fakePool([client, new FakeClient(2)])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    const failure = await connection
      .runAlone("INSERT INTO t VALUES (1)", [])
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CommitOutcomeUnknownError)
    expect((failure as Error).message).toMatch(
      /lost after the statement it committed by itself was sent/,
    )
    expect(pool.taken()).toBe(1)
  })

  it("prepares a fresh connection before a statement alone (the per-connection statement timeout)", async () => {
    const client = new FakeClient(1)
    const pool = fakePool([client])
    const prepared: unknown[] = []
    const driver: PooledDriver = {
      ...pool.driver,
      prepare: (prepareClient) => {
        prepared.push(prepareClient)
        return Promise.resolve()
      },
    }
    const connection = await openPooledConnection(pool.dataSource, driver)
    await connection.runAlone("INSERT INTO t VALUES (1)", [])
    expect(prepared).toEqual([client])
  })
})
