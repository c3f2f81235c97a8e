import { NodeCreate, NodeUpdate, parseDto } from "../../src"
import { itChecksLikeADto } from "./dto-spec"

const PARENT = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"

describe("NodeCreate", () => {
  itChecksLikeADto(NodeCreate, { valid: { parentId: PARENT }, uuids: ["parentId"] })

  it("makes a root without a parent", async () => {
    expect({ ...(await parseDto(NodeCreate, {})) }).toEqual({})
    expect({ ...(await parseDto(NodeCreate, { parentId: null })) }).toEqual({ parentId: null })
  })
})

describe("NodeUpdate", () => {
  itChecksLikeADto(NodeUpdate, {
    valid: { parentId: PARENT },
    uuids: ["parentId"],
    forbidden: { id: PARENT },
  })
})
