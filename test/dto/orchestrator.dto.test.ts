import { OrchestratorCreate, OrchestratorUpdate } from "../../src"
import { badProperties, itChecksLikeADto } from "./dto-spec"

const ID = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"
const letters = (n: number) => "o".repeat(n)

describe("OrchestratorCreate", () => {
  itChecksLikeADto(OrchestratorCreate, {
    valid: { type: "software", name: "Acme", userId: ID },
    required: ["type", "name", "userId"],
    lengths: { type: [32, letters], name: [32, letters] },
    uuids: ["userId"],
    strings: ["type", "name"],
  })

  it("refuses an empty name", async () => {
    expect(
      await badProperties(OrchestratorCreate, { type: "software", name: "", userId: ID }),
    ).toEqual(["OrchestratorCreate.name"])
  })
})

describe("OrchestratorUpdate", () => {
  itChecksLikeADto(OrchestratorUpdate, {
    valid: { name: "Acme 2" },
    lengths: { name: [32, letters] },
    strings: ["name"],
    forbidden: { userId: ID, type: "software" },
  })

  it("refuses a null name: the column is not nullable", async () => {
    expect(await badProperties(OrchestratorUpdate, { name: null })).toEqual([
      "OrchestratorUpdate.name",
    ])
    expect(await badProperties(OrchestratorUpdate, {})).toEqual([])
  })
})
