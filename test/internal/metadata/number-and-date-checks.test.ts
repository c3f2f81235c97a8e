import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata"
import { valueCheckOf } from "../../../src/internal/metadata/value-check"

// The checks of integer and date columns, on column metadata as TypeORM describes it (no
// database needed: the same check runs on every database).

function checkOf(type: unknown, extra: Partial<ColumnMetadata> = {}) {
  const column = {
    type,
    databaseName: "amount",
    propertyName: "amount",
    isArray: false,
    target: class Row {},
    ...extra,
  } as unknown as ColumnMetadata
  const check = valueCheckOf(column)
  if (!check) throw new Error(`no check for ${String(type)}`)
  return check
}

const INT_RANGE = "from -2147483648 to 2147483647"
const SAFE_RANGE = "from -9007199254740991 to 9007199254740991 (Number.MAX_SAFE_INTEGER)"

describe("integer column checks", () => {
  it.each(["int", "integer", "int4", Number])("%p holds whole numbers of 32 bits", (type) => {
    const check = checkOf(type)
    for (const ok of [0, -1, 42, 2147483647, -2147483648, "12", "-7", null, undefined]) {
      expect(check(ok)).toBeUndefined()
    }
    expect(check(1.5)).toBe(`must be a whole number ${INT_RANGE} (got 1.5)`)
    expect(check(NaN)).toBe(`must be a whole number ${INT_RANGE} (got NaN)`)
    expect(check(Infinity)).toBe(`must be a whole number ${INT_RANGE} (got Infinity)`)
    expect(check(-Infinity)).toBe(`must be a whole number ${INT_RANGE} (got -Infinity)`)
    expect(check(2147483648)).toBe(`must be a whole number ${INT_RANGE} (got 2147483648)`)
    expect(check("1.5")).toBe(`must be a whole number ${INT_RANGE} (got "1.5")`)
    expect(check("12abc")).toBe(`must be a whole number ${INT_RANGE} (got "12abc")`)
    expect(check(10n)).toBe("must be a number, not a bigint (got 10n)")
  })

  it("holds smallint to 16 bits and tinyint to 8", () => {
    expect(checkOf("smallint")(32767)).toBeUndefined()
    expect(checkOf("smallint")(32768)).toMatch(/from -32768 to 32767 \(got 32768\)/)
    expect(checkOf("int2")(-32769)).toMatch(/from -32768 to 32767 \(got -32769\)/)
    expect(checkOf("tinyint")(128)).toMatch(/from -128 to 127 \(got 128\)/)
  })

  it("starts an unsigned column at 0 and keeps the signed maximum (PostgreSQL has no unsigned)", () => {
    const check = checkOf("int", { unsigned: true })
    expect(check(0)).toBeUndefined()
    expect(check(-1)).toBe("must be a whole number from 0 to 2147483647 (got -1)")
    expect(check(2147483648)).toMatch(/from 0 to 2147483647/)
  })

  it("holds a bigint column to what a number holds exactly, digits included", () => {
    const check = checkOf("bigint")
    for (const ok of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, "9007199254740991"]) {
      expect(check(ok)).toBeUndefined()
    }
    expect(check(2 ** 53)).toBe(`must be a whole number ${SAFE_RANGE} (got 9007199254740992)`)
    expect(check("9007199254740993")).toBe(
      `must be a whole number ${SAFE_RANGE} (got "9007199254740993")`,
    )
    expect(check(1e21)).toBe(`must be a whole number ${SAFE_RANGE} (got 1e+21)`)
    expect(check(0.5)).toBe(`must be a whole number ${SAFE_RANGE} (got 0.5)`)
    expect(check(5n)).toBe("must be a number or a string of digits, not a bigint (got 5n)")
    expect(checkOf("int8")(2 ** 60)).toMatch(/MAX_SAFE_INTEGER/)
  })
})

describe("date column checks", () => {
  it.each([Date, "date", "datetime", "timestamp", "timestamptz", "timestamp with time zone"])(
    "%p refuses an Invalid Date and years no database stores alike",
    (type) => {
      const check = checkOf(type)
      expect(check(new Date("2026-01-02T03:04:05.678Z"))).toBeUndefined()
      expect(check(new Date("0001-01-01T00:00:00.000Z"))).toBeUndefined()
      expect(check(new Date("9999-12-31T23:59:59.999Z"))).toBeUndefined()
      expect(check(null)).toBeUndefined()
      expect(check(new Date("not a date"))).toBe("must be a valid date (got Invalid Date)")
      expect(check(new Date(Number.NaN))).toBe("must be a valid date (got Invalid Date)")
      expect(check(new Date("+010000-01-01T00:00:00.000Z"))).toBe(
        "must be a date from year 1 to 9999 (got +010000-01-01T00:00:00.000Z)",
      )
      expect(check(new Date("-000001-01-01T00:00:00.000Z"))).toMatch(/from year 1 to 9999/)
      expect(check(7n)).toBe("must be a Date, not a bigint (got 7n)")
    },
  )
})

describe("bigint values elsewhere", () => {
  it("are refused in text and float columns too", () => {
    expect(checkOf("varchar", { length: "8" })(3n)).toBe("must be a string, not a bigint (got 3n)")
    expect(checkOf("double precision")(3n)).toBe("must be a number, not a bigint (got 3n)")
    expect(checkOf("double precision")(1.5)).toBeUndefined()
  })
})
