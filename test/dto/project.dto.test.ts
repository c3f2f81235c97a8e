import { ProjectCreate, ProjectUpdate, parseDto } from "../../src"
import { itChecksLikeADto } from "./dto-spec"

const ORCHESTRATOR = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"
const EXECUTIVE = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c16"
const DEVELOPER = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c17"
const letters = (n: number) => "p".repeat(n)

describe("ProjectCreate", () => {
  itChecksLikeADto(ProjectCreate, {
    valid: {
      name: "Landing page",
      orchestratorId: ORCHESTRATOR,
      executiveId: EXECUTIVE,
      developerId: DEVELOPER,
    },
    required: ["name", "orchestratorId"],
    lengths: { name: [64, letters] },
    uuids: ["orchestratorId", "executiveId", "developerId"],
    strings: ["name"],
    forbidden: { directMessageOperatorId: EXECUTIVE },
  })
})

describe("ProjectUpdate", () => {
  itChecksLikeADto(ProjectUpdate, {
    valid: { name: "Landing page v2", executiveId: EXECUTIVE, developerId: DEVELOPER },
    lengths: { name: [64, letters] },
    uuids: ["executiveId", "developerId"],
    strings: ["name"],
    forbidden: { orchestratorId: ORCHESTRATOR, directMessageOperatorId: EXECUTIVE },
  })

  it("clears a role with null", async () => {
    const parsed = await parseDto(ProjectUpdate, { developerId: null })
    expect({ ...parsed }).toEqual({ developerId: null })
  })
})
