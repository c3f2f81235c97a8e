import {
  RepoNode,
  type RepoNodeCreate,
  Session,
  type ValidationError,
  createRepoNode,
  getRepoNode,
  getRepoNodeByPath,
  getRootRepoNode,
  updateRepoNode,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { unique } from "../support/graph"
import { rejectionOf } from "./seed"

describeEachDatabase("repo nodes service", (db) => {
  const open = () => new Session(db().dataSource)

  function node(org: string, fields: Partial<RepoNodeCreate> = {}): RepoNodeCreate {
    return {
      org,
      repo: "site",
      partitionType: "directory",
      name: "site",
      summary: "The web site.",
      childrenSummaries: "",
      absPath: "/",
      branch: "main",
      ...fields,
    }
  }

  it("creates a tree and finds its root and its nodes by path, per branch", async () => {
    const org = unique("acme")
    let ids: { root: string; readme: string; devRoot: string; devReadme: string }
    {
      await using session = open()
      const root = await createRepoNode(session, node(org))
      const readme = await createRepoNode(
        session,
        node(org, {
          partitionType: "file",
          name: "README.md",
          absPath: "/README.md",
          parentId: root.id,
        }),
      )
      const devRoot = await createRepoNode(session, node(org, { branch: "dev" }))
      const devReadme = await createRepoNode(
        session,
        node(org, {
          name: "README.md",
          absPath: "/README.md",
          branch: "dev",
          parentId: devRoot.id,
        }),
      )
      ids = { root: root.id, readme: readme.id, devRoot: devRoot.id, devReadme: devReadme.id }
      await session.commit()
    }
    await using reader = open()
    expect((await getRootRepoNode(reader, org, "site"))?.id).toBe(ids.root)
    expect((await getRootRepoNode(reader, org, "site", "dev"))?.id).toBe(ids.devRoot)
    expect(await getRootRepoNode(reader, org, "other")).toBeNull()
    expect((await getRepoNodeByPath(reader, org, "site", "/README.md"))?.id).toBe(ids.readme)
    expect((await getRepoNodeByPath(reader, org, "site", "/README.md", "dev"))?.id).toBe(
      ids.devReadme,
    )
    expect(await getRepoNodeByPath(reader, org, "site", "/missing")).toBeNull()
    expect(await getRepoNode(reader, ids.readme)).toMatchObject({
      partitionType: "file",
      parentId: ids.root,
    })
  })

  it("updates a node's fields and parent, and refuses a parent inside its own subtree", async () => {
    await using session = open()
    const org = unique("acme")
    const root = await createRepoNode(session, node(org))
    const src = await createRepoNode(
      session,
      node(org, { name: "src", absPath: "/src", parentId: root.id }),
    )
    const lib = await createRepoNode(
      session,
      node(org, { name: "lib", absPath: "/src/lib", parentId: src.id }),
    )
    await session.commit()
    expect(await updateRepoNode(session, lib.id, { summary: "Helpers.", parentId: root.id })).toBe(
      lib,
    )
    await session.commit()
    await session.refresh(lib)
    expect(lib).toMatchObject({ summary: "Helpers.", parentId: root.id })

    for (const parentId of [src.id, root.id]) {
      const error = await rejectionOf(updateRepoNode(session, root.id, { parentId }))
      expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
        "RepoNodeUpdate.parentId",
      ])
    }
    expect(await updateRepoNode(session, src.id, { parentId: null })).toBe(src)
    await session.commit()
    await session.refresh(src)
    expect(src.parentId).toBeNull()
    expect(await updateRepoNode(session, "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15", {})).toBeNull()
  })

  it("refuses bad input, naming each bad field, and writes nothing", async () => {
    await using session = open()
    const org = unique("acme")
    const error = await rejectionOf(
      createRepoNode(session, node(org, { partitionType: "x".repeat(17), summary: 5 as never })),
    )
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "RepoNodeCreate.partitionType",
      "RepoNodeCreate.summary",
    ])
    await session.commit()
    expect(await session.find(RepoNode, { where: { org } })).toEqual([])
  })
})
