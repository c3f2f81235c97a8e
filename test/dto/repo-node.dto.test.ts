import { RepoNodeCreate, RepoNodeUpdate, TEXT_MAX_BYTES } from "../../src"
import { badProperties, itChecksLikeADto } from "./dto-spec"

const PARENT = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"
const letters = (n: number) => "r".repeat(n)

const valid = {
  org: "acme",
  repo: "site",
  partitionType: "file",
  name: "README.md",
  summary: "How to build the site.",
  childrenSummaries: "",
  absPath: "/README.md",
  branch: "main",
  parentId: PARENT,
}
const strings = ["org", "repo", "partitionType", "name", "summary", "childrenSummaries", "absPath"]
const lengths = {
  org: [255, letters],
  repo: [255, letters],
  partitionType: [16, letters],
  name: [255, letters],
  branch: [255, letters],
} as const

describe("RepoNodeCreate", () => {
  itChecksLikeADto(RepoNodeCreate, {
    valid,
    required: [
      "org",
      "repo",
      "partitionType",
      "name",
      "summary",
      "childrenSummaries",
      "absPath",
      "branch",
    ],
    lengths,
    uuids: ["parentId"],
    strings: [...strings, "branch"],
  })

  it("caps absPath at the 65,535 UTF-8 bytes of a MySQL TEXT column", async () => {
    const path = "/".padEnd(TEXT_MAX_BYTES, "x")
    expect(await badProperties(RepoNodeCreate, { ...valid, absPath: path })).toEqual([])
    expect(await badProperties(RepoNodeCreate, { ...valid, absPath: `${path}x` })).toEqual([
      "RepoNodeCreate.absPath",
    ])
  })
})

describe("RepoNodeUpdate", () => {
  itChecksLikeADto(RepoNodeUpdate, {
    valid: { summary: "How to build and deploy the site.", parentId: null },
    lengths,
    uuids: ["parentId"],
    strings: [...strings, "branch"],
    forbidden: { id: PARENT, type: "file" },
  })

  it("refuses null for a column that cannot be empty, but not for the parent", async () => {
    expect(await badProperties(RepoNodeUpdate, { summary: null, parentId: null })).toEqual([
      "RepoNodeUpdate.summary",
    ])
  })
})
