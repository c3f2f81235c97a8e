import { Column, Entity } from "typeorm"
import { MetadataEntity, Session, ValidationError } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make } from "../support/graph"
import { QueryLog, dataStatements } from "../support/query-log"

// Written through the Session directly: numbers an integer column cannot hold exactly, dates
// that are not dates, and JavaScript bigints are refused on every database alike, before
// anything is sent, naming `Entity.property` and the value; the session goes on.

@Entity("tally")
class Tally extends MetadataEntity {
  @Column({ type: "integer", default: 0 })
  count!: number

  @Column({ type: "smallint", nullable: true })
  small!: number | null

  @Column({ type: "bigint", nullable: true })
  big!: number | string | null

  @Column({ type: "date", nullable: true })
  day!: Date | string | null
}

const log = new QueryLog()

/** The statements that would write (a first read of MariaDB's packet size may precede them). */
const writes = (sent: readonly string[]): string[] =>
  dataStatements(sent).filter((query) => !/^\s*SELECT/i.test(query))

const INT = "from -2147483648 to 2147483647"
const SAFE = "from -9007199254740991 to 9007199254740991 (Number.MAX_SAFE_INTEGER)"

const BAD: ReadonlyArray<readonly [string, Partial<Tally>, string, string]> = [
  [
    "a fraction in an integer column",
    { count: 1.5 },
    "Tally.count",
    `must be a whole number ${INT} (got 1.5)`,
  ],
  [
    "NaN in an integer column",
    { count: NaN },
    "Tally.count",
    `must be a whole number ${INT} (got NaN)`,
  ],
  [
    "Infinity in an integer column",
    { count: Infinity },
    "Tally.count",
    `must be a whole number ${INT} (got Infinity)`,
  ],
  [
    "-Infinity in an integer column",
    { count: -Infinity },
    "Tally.count",
    `must be a whole number ${INT} (got -Infinity)`,
  ],
  [
    "2^31 in an integer column",
    { count: 2 ** 31 },
    "Tally.count",
    `must be a whole number ${INT} (got 2147483648)`,
  ],
  [
    "40000 in a smallint column",
    { small: 40_000 },
    "Tally.small",
    "must be a whole number from -32768 to 32767 (got 40000)",
  ],
  [
    "2^53 in a bigint column",
    { big: 2 ** 53 },
    "Tally.big",
    `must be a whole number ${SAFE} (got 9007199254740992)`,
  ],
  [
    "digits past 2^53 in a bigint column",
    { big: "9007199254740993" },
    "Tally.big",
    `must be a whole number ${SAFE} (got "9007199254740993")`,
  ],
  [
    "a JavaScript bigint in a bigint column",
    { big: 12n as unknown as number },
    "Tally.big",
    "must be a number or a string of digits, not a bigint (got 12n)",
  ],
  [
    "a JavaScript bigint in an integer column",
    { count: 7n as unknown as number },
    "Tally.count",
    "must be a number, not a bigint (got 7n)",
  ],
  [
    "an Invalid Date in a date column",
    { day: new Date("nope") },
    "Tally.day",
    "must be a valid date (got Invalid Date)",
  ],
  [
    "an Invalid Date in a timestamp column",
    { createdAt: new Date(Number.NaN) },
    "Tally.createdAt",
    "must be a valid date (got Invalid Date)",
  ],
  [
    "year 10000 in a timestamp column",
    { createdAt: new Date("+010000-01-01T00:00:00.000Z") },
    "Tally.createdAt",
    "must be a date from year 1 to 9999 (got +010000-01-01T00:00:00.000Z)",
  ],
]

describeEachDatabase(
  "Session: integers, dates and bigints every database stores exactly, or none does",
  (db) => {
    const open = () => new Session(db().dataSource)

    async function read(id: string): Promise<Tally | null> {
      await using reader = open()
      return reader.get(Tally, id)
    }

    it.each(BAD)(
      "refuses %s on insert before anything is sent, and the session stays usable",
      async (_label, values, property, reason) => {
        await using session = open()
        const other = session.add(make(Tally, { count: 1 }))
        const tally = session.add(make(Tally, { count: 2, ...values }))
        let error: unknown
        const sent = await log.capture(() =>
          session.commit().catch((caught: unknown) => (error = caught)),
        )
        expect(error).toBeInstanceOf(ValidationError)
        expect((error as ValidationError).issues).toEqual([{ property, reasons: [reason] }])
        expect((error as ValidationError).message).toContain(`${property} ${reason}`)
        expect(writes(sent)).toEqual([])
        expect(await read(other.id)).toBeNull()

        Object.assign(tally, { count: 3, small: 3, big: 3, day: null, createdAt: new Date() })
        await session.commit()
        expect((await read(tally.id))?.count).toBe(3)
        expect(await read(other.id)).not.toBeNull()
      },
    )

    it("refuses a bad value on update the same way, and writes nothing of the flush", async () => {
      await using session = open()
      const tally = session.add(
        make(Tally, { count: 1, big: "9007199254740991", day: "2026-01-02" }),
      )
      await session.commit()
      tally.count = 0.25
      tally.big = 2 ** 60
      let error: unknown
      const sent = await log.capture(() =>
        session.commit().catch((caught: unknown) => (error = caught)),
      )
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
        "Tally.count",
        "Tally.big",
      ])
      expect(writes(sent)).toEqual([])
      tally.count = 4
      tally.big = -Number.MAX_SAFE_INTEGER
      await session.commit()
      const stored = await read(tally.id)
      expect(stored?.count).toBe(4)
      expect(String(stored?.big)).toBe(String(-Number.MAX_SAFE_INTEGER))
    })

    it("stores the edges of each range exactly", async () => {
      await using session = open()
      const tally = session.add(
        make(Tally, {
          count: -(2 ** 31),
          small: 32_767,
          big: Number.MAX_SAFE_INTEGER,
          day: "9999-12-31",
        }),
      )
      await session.commit()
      const stored = await read(tally.id)
      expect(stored?.count).toBe(-(2 ** 31))
      expect(stored?.small).toBe(32_767)
      expect(String(stored?.big)).toBe(String(Number.MAX_SAFE_INTEGER))
    })
  },
  { extra: { entities: [Tally], logging: true, logger: log }, createTestTables: true },
)
