import { isUuid, uuidv7, uuidv7Timestamp } from "../src/uuid"

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe("uuidv7", () => {
  it("writes version 7, the RFC variant and the time, in lower case", () => {
    const before = Date.now()
    const id = uuidv7()
    expect(id).toMatch(V7)
    expect(isUuid(id)).toBe(true)
    expect(uuidv7Timestamp(id)).toBeGreaterThanOrEqual(before)
    expect(uuidv7Timestamp(id)).toBeLessThanOrEqual(Date.now() + 1)
  })

  it("gives distinct ids that increase strictly, in a burst of many", () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7())
    for (let i = 1; i < ids.length; i += 1) {
      expect(ids[i]).toMatch(V7)
      expect(ids[i]! > ids[i - 1]!).toBe(true)
    }
    expect(new Set(ids).size).toBe(ids.length)
  })
})
