import { UserCreate, UserUpdate, parseDto } from "../../src"
import { badProperties, itChecksLikeADto } from "./dto-spec"

const letters = (n: number) => "a".repeat(n)
// An email of n characters, its domain in labels short enough for an email validator.
const email = (n: number) => {
  const labels: string[] = []
  let room = n - "ada@".length - "com".length
  while (room > 0) {
    const size = Math.min(50, room - 1)
    labels.push("d".repeat(Math.max(size, 1)))
    room -= Math.max(size, 1) + 1
  }
  return `ada@${labels.join(".")}.com`
}
const url = (n: number) => `https://example.com/${"p".repeat(n - 20)}`

describe("UserCreate", () => {
  itChecksLikeADto(UserCreate, {
    valid: {
      email: "ada@example.com",
      firstName: "Ada",
      lastName: "Lovelace",
      profilePictureUrl: "https://example.com/ada.png",
    },
    required: ["email"],
    lengths: {
      firstName: [64, letters],
      lastName: [64, letters],
      email: [128, email],
      profilePictureUrl: [2048, url],
    },
    strings: ["email", "firstName", "lastName", "profilePictureUrl"],
  })

  it("needs only the email; names and picture may be null", async () => {
    const parsed = await parseDto(UserCreate, {
      email: "ada@example.com",
      firstName: null,
      profilePictureUrl: null,
    })
    expect(parsed.firstName).toBeNull()
  })

  it("refuses an email that is not one", async () => {
    expect(await badProperties(UserCreate, { email: "ada" })).toEqual(["UserCreate.email"])
  })

  it("refuses a profile picture URL that is not an absolute http(s) URL", async () => {
    for (const bad of ["javascript:alert(1)", "ftp://example.com/a.png", "/a.png", "a.png"]) {
      expect(
        await badProperties(UserCreate, { email: "ada@example.com", profilePictureUrl: bad }),
      ).toEqual(["UserCreate.profilePictureUrl"])
    }
    expect(
      await badProperties(UserCreate, {
        email: "ada@example.com",
        profilePictureUrl: "http://localhost:3000/a.png",
      }),
    ).toEqual([])
  })
})

describe("UserUpdate", () => {
  itChecksLikeADto(UserUpdate, {
    valid: { firstName: "Ada", lastName: "Lovelace", profilePictureUrl: "https://example.com/a" },
    lengths: {
      firstName: [64, letters],
      lastName: [64, letters],
      profilePictureUrl: [2048, url],
    },
    strings: ["firstName", "lastName", "profilePictureUrl"],
    forbidden: { email: "other@example.com", id: "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15" },
  })

  it("accepts an empty update and null to clear a field", async () => {
    expect(await badProperties(UserUpdate, {})).toEqual([])
    const parsed = await parseDto(UserUpdate, { lastName: null })
    expect(parsed).toEqual(Object.assign(new UserUpdate(), { lastName: null }))
  })
})
