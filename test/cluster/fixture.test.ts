import {
  CLUSTER,
  createClusterDatabase,
  describeCluster,
  dropClusterDatabase,
  primaryQuery,
} from "../support/cluster"

describeCluster("cluster fixture", () => {
  it("streams the primary's writes to the replica and serves them through PgBouncer", async () => {
    const database = await createClusterDatabase()
    try {
      await primaryQuery(
        "CREATE TABLE probe (id int PRIMARY KEY)",
        [],
        CLUSTER.primaryPort,
        database,
      )
      await primaryQuery("INSERT INTO probe VALUES (1)", [], CLUSTER.bouncerPort, database)
      const deadline = Date.now() + 5_000
      let seen: unknown[] = []
      while (Date.now() < deadline) {
        seen = await primaryQuery("SELECT id FROM probe", [], CLUSTER.replicaPort, database).catch(
          () => [],
        )
        if (seen.length > 0) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(seen).toEqual([{ id: 1 }])
      const [recovery] = await primaryQuery<{ standby: boolean }>(
        "SELECT pg_is_in_recovery() AS standby",
        [],
        CLUSTER.replicaPort,
        database,
      )
      expect(recovery?.standby).toBe(true)
    } finally {
      await dropClusterDatabase(database)
    }
  })
})
