import { sendsUnescaped } from "../../../../src/internal/drivers/mysql/mysql-connection"

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
})
