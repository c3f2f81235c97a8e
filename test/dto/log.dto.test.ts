import { LONG_TEXT_MAX_BYTES, LogCreate } from "../../src"
import { badProperties, itChecksLikeADto } from "./dto-spec"

describe("LogCreate", () => {
  itChecksLikeADto(LogCreate, {
    valid: { level: "info", message: "Project finished" },
    required: ["level", "message"],
    lengths: { level: [10, (n) => "l".repeat(n)] },
    strings: ["level", "message"],
  })

  it("caps the message at 12 MiB of UTF-8", async () => {
    const exact = "m".repeat(LONG_TEXT_MAX_BYTES)
    expect(await badProperties(LogCreate, { level: "info", message: exact })).toEqual([])
    expect(await badProperties(LogCreate, { level: "info", message: `${exact}m` })).toEqual([
      "LogCreate.message",
    ])
  })
})
