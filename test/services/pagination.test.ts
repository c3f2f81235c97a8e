import { DEFAULT_LIMIT, MAX_LIMIT, ValidationError } from "../../src"
import { resolvePagination } from "../../src/services/pagination"

describe("resolvePagination", () => {
  it("defaults skip to 0 and limit to 100", () => {
    expect(resolvePagination()).toEqual({ skip: 0, take: DEFAULT_LIMIT })
  })

  it("passes a limit of up to 1,000 through unchanged", () => {
    expect(resolvePagination({ skip: 3, limit: MAX_LIMIT })).toEqual({ skip: 3, take: MAX_LIMIT })
    expect(resolvePagination({ limit: 0 })).toEqual({ skip: 0, take: 0 })
  })

  it("refuses a limit above 1,000 with a ValidationError naming the cap, never shortening it", () => {
    let error: unknown
    try {
      resolvePagination({ limit: MAX_LIMIT + 1 })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues).toEqual([
      {
        property: "Pagination.limit",
        reasons: ["limit must be at most 1000 (MAX_LIMIT), not 1001; read further pages with skip"],
      },
    ])
  })

  it("names every bad option at once", () => {
    expect(() => resolvePagination({ skip: -1, limit: 5000 })).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({ property: "Pagination.skip" }),
          expect.objectContaining({ property: "Pagination.limit" }),
        ],
      }) as Error,
    )
  })
})
