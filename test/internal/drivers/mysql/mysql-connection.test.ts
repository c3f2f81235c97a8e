import type { DataSource } from "typeorm"
import { openConnection, type Connection } from "../../../../src/internal/drivers/connection"
import { dialectOf } from "../../../../src/internal/drivers/dialect"
import { sendsUnescaped } from "../../../../src/internal/drivers/mysql/mysql-connection"
import { describeEachDatabase } from "../../../support/databases"

describe("sendsUnescaped (MySQL/MariaDB: which statements go through the binary protocol)", () => {
  it("keeps ordinary statements on the text protocol", () => {
    expect(sendsUnescaped([])).toBe(false)
    expect(sendsUnescaped(["a", 1, null, new Date(), "x".repeat(1000)])).toBe(false)
    expect(sendsUnescaped(Array.from({ length: 500 }, () => "y".repeat(300)))).toBe(false)
  })

  it("sends large text unescaped, in one value or spread over several", () => {
    expect(sendsUnescaped(['"'.repeat(9 * 1024 * 1024)])).toBe(true)
    expect(sendsUnescaped(Array.from({ length: 1000 }, () => "\\".repeat(300)))).toBe(true)
  })

  it("sends a statement of many parameters (a multi-row write) through the binary protocol", () => {
    expect(sendsUnescaped(Array.from({ length: 999 }, (_, i) => i))).toBe(false)
    expect(sendsUnescaped(Array.from({ length: 1000 }, (_, i) => i))).toBe(true)
    expect(sendsUnescaped(Array.from({ length: 5000 }, (_, i) => (i % 2 ? "a" : null)))).toBe(true)
  })
})

describeEachDatabase(
  "a MariaDB connection with the server's autocommit off",
  (db) => {
    // One pooled connection, with autocommit off for the rest of its life, as a server started
    // with autocommit = 0 gives every connection.
    async function withAutocommitOff(): Promise<{
      dataSource: DataSource
      connection: Connection
    }> {
      const dataSource = db().createDataSource({ poolSize: 1 })
      await dataSource.initialize()
      await dataSource.query("SET autocommit = 0")
      return {
        dataSource,
        connection: await openConnection(dataSource, dialectOf(dataSource), { lockTimeoutMs: 0 }),
      }
    }
    const inTransaction = async (connection: Connection) =>
      Number((await connection.rows("SELECT @@in_transaction", []))[0]![0])
    const insert = "INSERT INTO autocommit_probe (id) VALUES (?)"
    beforeAll(async () => {
      await db().dataSource.query(
        "CREATE TABLE autocommit_probe (id INT PRIMARY KEY) ENGINE=InnoDB",
      )
    })

    it("commits a statement sent alone, which opened a transaction", async () => {
      const { dataSource, connection } = await withAutocommitOff()
      expect(await connection.runAlone(insert, [1])).toBe(1)
      expect(await inTransaction(connection)).toBe(0)
      await connection.release()
      expect(
        await db().dataSource.query("SELECT id FROM autocommit_probe WHERE id = 1"),
      ).toHaveLength(1)
      await dataSource.destroy()
    })

    it("rolls back the transaction a failed statement sent alone opened, so no lock is kept", async () => {
      const { dataSource, connection } = await withAutocommitOff()
      await connection.runAlone(insert, [2])
      // A duplicate key: the server takes a shared lock on the existing row, in a transaction.
      const duplicate = connection.runAlone(insert, [2])
      await expect(duplicate).rejects.toThrow(/Duplicate entry/)
      expect(await inTransaction(connection)).toBe(0)
      await connection.release()
      await dataSource.destroy()
    })
  },
  { only: ["mariadb"] },
)
