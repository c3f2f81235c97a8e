import { OperatorCreate, OperatorUpdate, TEXT_MAX_BYTES } from "../../src"
import { badProperties, issuesOf, itChecksLikeADto } from "./dto-spec"

const ID = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"
const letters = (n: number) => "n".repeat(n)
const url = (n: number) => `https://example.com/${"p".repeat(n - 20)}`

const valid = {
  instructions: "Write the code.",
  name: "Dev",
  title: "developer",
  orchestratorId: ID,
  profilePictureUrl: "https://example.com/dev.png",
}

describe("OperatorCreate", () => {
  itChecksLikeADto(OperatorCreate, {
    valid,
    required: ["instructions", "name", "title", "orchestratorId"],
    lengths: { name: [64, letters], title: [32, letters], profilePictureUrl: [2048, url] },
    uuids: ["orchestratorId"],
    strings: ["instructions", "name", "title", "profilePictureUrl"],
  })

  it("counts an emoji as one character, like the databases", async () => {
    expect(await badProperties(OperatorCreate, { ...valid, name: "🤖".repeat(64) })).toEqual([])
  })

  it("caps instructions at the 65,535 UTF-8 bytes a MySQL TEXT column holds", async () => {
    // "é" is two bytes in UTF-8: 32,767 of them and one "a" make exactly 65,535 bytes.
    const exact = "é".repeat(Math.floor(TEXT_MAX_BYTES / 2)) + "a"
    expect(Buffer.byteLength(exact)).toBe(TEXT_MAX_BYTES)
    expect(await badProperties(OperatorCreate, { ...valid, instructions: exact })).toEqual([])
    const issues = await issuesOf(OperatorCreate, { ...valid, instructions: `${exact}a` })
    expect(issues).toEqual([
      {
        property: "OperatorCreate.instructions",
        reasons: [`instructions must be at most ${TEXT_MAX_BYTES} bytes in UTF-8`],
      },
    ])
  })
})

describe("OperatorUpdate", () => {
  itChecksLikeADto(OperatorUpdate, {
    valid: { instructions: "Review the code.", name: "Reviewer", profilePictureUrl: null },
    lengths: { name: [64, letters], profilePictureUrl: [2048, url] },
    strings: ["instructions", "name", "profilePictureUrl"],
    forbidden: { orchestratorId: ID, title: "executive" },
  })

  it("refuses a null name or instructions, but clears the picture with null", async () => {
    expect(await badProperties(OperatorUpdate, { name: null, instructions: null })).toEqual([
      "OperatorUpdate.instructions",
      "OperatorUpdate.name",
    ])
    expect(await badProperties(OperatorUpdate, { profilePictureUrl: null })).toEqual([])
  })
})
