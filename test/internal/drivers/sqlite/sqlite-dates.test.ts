import { sqliteDateTime, sqliteTime } from "../../../../src/internal/drivers/sqlite/sqlite-dates"

describe("sqliteTime", () => {
  it("reads back the time of every date the session writes, across hours, days and years", () => {
    const start = Date.UTC(1999, 11, 31, 22, 59, 58, 995)
    const times = [
      start,
      start + 7,
      start + 3_600_000,
      start + 86_400_000 + 123,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2024, 2, 1, 0, 0, 0, 0),
      Date.UTC(1000, 0, 1, 1, 2, 3, 4),
    ]
    for (const time of times) expect(sqliteTime(sqliteDateTime(new Date(time)))).toBe(time)
  })

  it("reads text without milliseconds, and as TypeORM does any other form", () => {
    expect(sqliteTime("2024-05-06 07:08:09")).toBe(Date.UTC(2024, 4, 6, 7, 8, 9))
    // Same hour as the text above, other minutes: the remembered hour must not leak into it.
    expect(sqliteTime("2024-05-06 07:59:01.500")).toBe(Date.UTC(2024, 4, 6, 7, 59, 1, 500))
    expect(sqliteTime("2024-05-06T07:08:09.250Z")).toBe(Date.UTC(2024, 4, 6, 7, 8, 9, 250))
    expect(sqliteTime("2024-05-06 07:08")).toBe(Date.UTC(2024, 4, 6, 7, 8))
    expect(sqliteTime("2024-05-06 07:x8:09")).toBeNaN()
    expect(sqliteTime("not a date")).toBeNaN()
  })
})
