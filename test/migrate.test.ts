import { MIGRATIONS } from "../migrations"
import { migrate } from "../src"
import { describeEachDatabase } from "./support/databases"

describeEachDatabase(
  "migrate",
  (db) => {
    it("applies pending migrations once when two data sources migrate at the same time", async () => {
      const first = db().createDataSource()
      const second = db().createDataSource()
      await Promise.all([first.initialize(), second.initialize()])
      const [a, b] = await Promise.all([migrate(first), migrate(second)])
      expect([a.length, b.length].sort()).toEqual([0, MIGRATIONS.length])
      expect(await first.showMigrations()).toBe(false)
    })

    it("is a no-op when nothing is pending", async () => {
      expect(await migrate(db().dataSource)).toEqual([])
    })
  },
  { migrate: false },
)
