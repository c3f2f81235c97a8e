import type { DataSource, QueryRunner } from "typeorm"
import { CommitOutcomeUnknownError, Session } from "../../../src"
import { openConnection } from "../../../src/internal/drivers/connection"
import { dialectOf } from "../../../src/internal/drivers/dialect"
import {
  openPooledConnection,
  type Executor,
  type PooledDriver,
} from "../../../src/internal/drivers/pooled-connection"
import { postgresErrorClassifier } from "../../../src/internal/drivers/postgres/postgres-error-classifier"
import { describeEachDatabase } from "../../support/databases"

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
  const runners: QueryRunner[] = []
  let next = 0
  const dataSource = {
    options: { type: "postgres", host: "db", port: 5432, database: "app", username: "app" },
    createQueryRunner: () => {
      const runner = { isReleased: false, isTransactionActive: false, transactionDepth: 0 }
      runners.push(runner as unknown as QueryRunner)
      return runner
    },
  } as unknown as DataSource
  const driver: PooledDriver = {
    checkout: () => {
      const client = clients[next++]!
      let done = false
      return Promise.resolve({
        client,
        release: (broken: boolean) => {
          if (done) throw new Error(`client ${client.id} given back twice`)
          done = true
          ;(broken ? discarded : released).push(client.id)
        },
      })
    },
    execute: (client, sql) => (client as FakeClient).execute(sql),
    classifier: postgresErrorClassifier,
    neverSent: (error) => /is not queryable/.test((error as Error).message),
    beginSql: () => "START TRANSACTION",
  }
  return { dataSource, driver, released, discarded, runners, taken: () => next }
}

/** The client a query runner was bound to. */
function boundClient(runner: QueryRunner): FakeClient {
  return (runner as unknown as { databaseConnection: FakeClient }).databaseConnection
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

  it("builds no query runner for statements, transactions and release", async () => {
    const pool = fakePool([new FakeClient(1)])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await connection.rows("SELECT id FROM t", [])
    await connection.begin()
    await connection.run("INSERT INTO t VALUES (1)", [])
    await connection.commit()
    await connection.runAlone("INSERT INTO t VALUES (2)", [])
    await connection.release()
    expect(pool.runners).toEqual([])
    expect(pool.released).toEqual([1])
  })

  it("builds the query runner when asked, on the client checked out, inside the open transaction", async () => {
    const client = new FakeClient(1)
    const pool = fakePool([client])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await connection.begin()
    const runner = connection.queryRunner
    expect(connection.queryRunner).toBe(runner)
    expect(pool.runners).toEqual([runner])
    expect(boundClient(runner)).toBe(client)
    expect(runner).toMatchObject({ isTransactionActive: true, transactionDepth: 1 })
    await connection.commit()
    expect(runner).toMatchObject({ isTransactionActive: false, transactionDepth: 0 })
    await connection.release()
    expect(runner.isReleased).toBe(true)
    expect(pool.released).toEqual([1])
  })

  it("keeps the client when its query runner is released, and gives it back once at release", async () => {
    const pool = fakePool([new FakeClient(1)])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    const runner = connection.queryRunner
    await runner.release()
    expect(runner.isReleased).toBe(true)
    expect(pool.released).toEqual([])
    expect(await connection.rows("SELECT id FROM t", [])).toEqual([[1]])
    await connection.release()
    expect(pool.released).toEqual([1])
  })

  it("follows the query runner's flags once it exists (a transaction it ended is not rolled back)", async () => {
    const client = new FakeClient(1)
    const pool = fakePool([client])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await connection.begin()
    const runner = connection.queryRunner as unknown as { isTransactionActive: boolean }
    runner.isTransactionActive = false
    expect(connection.inTransaction).toBe(false)
    await connection.release()
    expect(client.statements).toEqual(["START TRANSACTION"])
  })

  it("resends a first read as well, and the query runner is the fresh connection's", async () => {
    const dead = new FakeClient(1)
    dead.failures.push(lost())
    const pool = fakePool([dead, new FakeClient(2)])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    const before = connection.queryRunner
    expect(await connection.rows("SELECT id FROM t", [])).toEqual([[2]])
    expect(before.isReleased).toBe(true)
    expect(boundClient(connection.queryRunner).id).toBe(2)
  })

  it("gives a client back once, even when the fresh connection after a lost one cannot be had", async () => {
    const dead = new FakeClient(1)
    dead.failures.push(lost())
    const pool = fakePool([dead])
    const driver: PooledDriver = {
      ...pool.driver,
      checkout: (dataSource) =>
        pool.taken() === 0 ? pool.driver.checkout(dataSource) : Promise.reject(lost()),
    }
    const connection = await openPooledConnection(pool.dataSource, driver)
    await expect(connection.begin()).rejects.toMatchObject({ code: "57P01" })
    await connection.release()
    expect(pool.discarded).toEqual([1])
    expect(pool.released).toEqual([])
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

  it("discards a client whose connection was lost under a later read, outside a transaction", async () => {
    const client = new FakeClient(1)
    const pool = fakePool([client, new FakeClient(2)])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await connection.rows("SELECT 1", [])
    client.failures.push(lost())
    await expect(connection.rows("SELECT 2", [])).rejects.toMatchObject({ code: "57P01" })
    await connection.release()
    expect(pool.discarded).toEqual([1])
    expect(pool.released).toEqual([])
  })

  it("keeps a client that a later statement failed on for another reason than a lost connection", async () => {
    const client = new FakeClient(1)
    const pool = fakePool([client])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await connection.rows("SELECT 1", [])
    client.failures.push(Object.assign(new Error("syntax error"), { code: "42601" }))
    await expect(connection.rows("SELEC 2", [])).rejects.toThrow("syntax error")
    await connection.release()
    expect(pool.released).toEqual([1])
    expect(pool.discarded).toEqual([])
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
    await connection.release()
    expect(pool.discarded).toEqual([1])
    expect(client.statements.at(-1)).toBe("COMMIT")
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

  it("discards a client whose connection was lost under a statement alone, never giving it back to the pool", async () => {
    const client = new FakeClient(1)
    client.failures.push(lost())
    const pool = fakePool([client])
    const connection = await openPooledConnection(pool.dataSource, pool.driver)
    await connection.runAlone("INSERT INTO t VALUES (1)", []).catch(() => undefined)
    await connection.release()
    expect(pool.discarded).toEqual([1])
    expect(pool.released).toEqual([])
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

/** pg-pool's idle clients, mysql2's free connections. */
interface PoolState {
  readonly _idle?: { readonly length: number }
  readonly _freeConnections?: { readonly length: number }
}

describeEachDatabase(
  "a pooled connection on the server",
  (db) => {
    beforeAll(async () => {
      await db().dataSource.query("CREATE TABLE pooled_probe (id INT PRIMARY KEY)")
    })

    it("gives its query runner the same client and transaction as its own statements", async () => {
      const { dataSource } = db()
      const connection = await openConnection(dataSource, dialectOf(dataSource), {
        lockTimeoutMs: 0,
      })
      await connection.begin()
      await connection.run("INSERT INTO pooled_probe (id) VALUES (1)", [])
      const runner = connection.queryRunner
      expect(runner.isTransactionActive).toBe(true)
      expect(await runner.query("SELECT id FROM pooled_probe")).toHaveLength(1)
      await connection.rollback()
      expect(await connection.rows("SELECT id FROM pooled_probe", [])).toEqual([])
      await connection.release()
      expect(runner.isReleased).toBe(true)
    })

    it("keeps its client out of the pool when its query runner is released, until it lets go", async () => {
      const dataSource = db().createDataSource({ poolSize: 1 })
      await dataSource.initialize()
      const connection = await openConnection(dataSource, dialectOf(dataSource), {
        lockTimeoutMs: 0,
      })
      const drivers = dataSource.driver as unknown as { master?: PoolState; pool?: PoolState }
      const pool = drivers.master ?? drivers.pool!
      const idle = () => (pool._idle ?? pool._freeConnections)!.length
      await connection.queryRunner.release()
      expect(idle()).toBe(0)
      expect(await connection.rows("SELECT 1", [])).toEqual([[1]])
      await connection.release()
      expect(idle()).toBe(1)
      await dataSource.destroy()
    })

    it("lets the data source be destroyed while a session holds a connection", async () => {
      const dataSource = db().createDataSource()
      await dataSource.initialize()
      const session = new Session(dataSource)
      await session.begin()
      // PostgreSQL's pool ends only once every client came back: destroy() gives back those
      // that sessions hold.
      await dataSource.destroy()
      await expect(session.close()).resolves.toBeUndefined()
    })
  },
  { only: ["postgres", "mariadb"] },
)
