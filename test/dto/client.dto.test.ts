import { ClientCreate, ClientUpdate, parseDto } from "../../src"
import { badProperties, itChecksLikeADto } from "./dto-spec"

const ORCHESTRATOR = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"
const OPERATOR = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c16"
const letters = (n: number) => "m".repeat(n)

describe("ClientCreate", () => {
  itChecksLikeADto(ClientCreate, {
    valid: {
      client: "OpenAI",
      model: "gpt-4o",
      temperature: 0.7,
      orchestratorId: ORCHESTRATOR,
      operatorId: OPERATOR,
    },
    required: ["orchestratorId", "operatorId"],
    lengths: { client: [32, letters], model: [32, letters] },
    uuids: ["orchestratorId", "operatorId"],
    strings: ["client", "model"],
  })

  it("leaves provider, model and temperature to the defaults when they are not given", async () => {
    const parsed = await parseDto(ClientCreate, {
      orchestratorId: ORCHESTRATOR,
      operatorId: OPERATOR,
    })
    expect({ ...parsed }).toEqual({ orchestratorId: ORCHESTRATOR, operatorId: OPERATOR })
  })

  it("accepts temperatures from 0 to 2 and refuses anything else", async () => {
    const ids = { orchestratorId: ORCHESTRATOR, operatorId: OPERATOR }
    for (const temperature of [0, 1, 1.5, 2]) {
      expect(await badProperties(ClientCreate, { ...ids, temperature })).toEqual([])
    }
    for (const temperature of [-0.1, 2.01, NaN, Infinity, "1", null]) {
      expect(await badProperties(ClientCreate, { ...ids, temperature })).toEqual([
        "ClientCreate.temperature",
      ])
    }
  })
})

describe("ClientUpdate", () => {
  itChecksLikeADto(ClientUpdate, {
    valid: { client: "Anthropic", model: "claude", temperature: 1 },
    lengths: { client: [32, letters], model: [32, letters] },
    strings: ["client", "model"],
    forbidden: { operatorId: OPERATOR, orchestratorId: ORCHESTRATOR },
  })

  it("refuses null for a column that cannot be empty", async () => {
    expect(await badProperties(ClientUpdate, { model: null, temperature: null })).toEqual([
      "ClientUpdate.temperature",
      "ClientUpdate.model",
    ])
  })
})
