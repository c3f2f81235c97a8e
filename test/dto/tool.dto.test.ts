import { ToolCreate } from "../../src"
import { badProperties, itChecksLikeADto } from "./dto-spec"

describe("ToolCreate", () => {
  itChecksLikeADto(ToolCreate, {
    valid: { name: "GithubTool" },
    required: ["name"],
    lengths: { name: [64, (n) => "t".repeat(n)] },
    strings: ["name"],
  })

  it("refuses an empty name", async () => {
    expect(await badProperties(ToolCreate, { name: "" })).toEqual(["ToolCreate.name"])
  })
})
