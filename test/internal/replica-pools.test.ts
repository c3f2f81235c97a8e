import { failureReason } from "../../src/internal/replica-pools"

describe("failureReason (the why of a replica's warning line)", () => {
  it("is the first line of the error's message, without a final period", () => {
    expect(failureReason(new Error("connect ECONNREFUSED 10.0.0.7:5432"))).toBe(
      "connect ECONNREFUSED 10.0.0.7:5432",
    )
    expect(failureReason(new Error("the server closed the connection.\nDETAIL: x"))).toBe(
      "the server closed the connection",
    )
  })

  it("takes the first inner error of an AggregateError, which has no message of its own", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED ::1:5432"), {
      code: "ECONNREFUSED",
    })
    const both = Object.assign(new AggregateError([refused, new Error("other")], ""), {
      code: "ECONNREFUSED",
    })
    expect(failureReason(both)).toBe("connect ECONNREFUSED ::1:5432")
  })

  it("falls back to the error's code, then to the value itself", () => {
    expect(failureReason(Object.assign(new Error(""), { code: "ETIMEDOUT" }))).toBe("ETIMEDOUT")
    expect(failureReason("gone")).toBe("gone")
  })
})
