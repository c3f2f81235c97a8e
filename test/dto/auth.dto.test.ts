import { AuthStateCreate, AuthTokenCreate } from "../../src"
import { itChecksLikeADto } from "./dto-spec"

const letters = (n: number) => "s".repeat(n)

describe("AuthStateCreate", () => {
  itChecksLikeADto(AuthStateCreate, {
    valid: { state: "f3a9c1", destinationUrl: "/dashboard" },
    required: ["state", "destinationUrl"],
    lengths: { state: [128, letters], destinationUrl: [128, letters] },
    strings: ["state", "destinationUrl"],
  })
})

describe("AuthTokenCreate", () => {
  itChecksLikeADto(AuthTokenCreate, {
    valid: { refreshToken: "1//0g-refresh", userId: "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15" },
    required: ["refreshToken", "userId"],
    lengths: { refreshToken: [128, letters] },
    uuids: ["userId"],
    strings: ["refreshToken"],
  })
})
