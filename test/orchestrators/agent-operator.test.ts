import {
  AgentOperator,
  DEVELOPER_INSTRUCTIONS,
  Developer,
  EXECUTIVE_INSTRUCTIONS,
  Executive,
  PlannedComponents,
  ProjectFile,
  ScriptedClient,
  Summary,
} from "../../src"
import { parseQuerySections, unfenced } from "../../src/orchestrators/query-sections"

describe("AgentOperator", () => {
  it("sends its instructions as the system prompt and the query as the user message", async () => {
    const client = new ScriptedClient([{ summary: ["fine"] }])
    const reviewer = new AgentOperator({
      client,
      name: "Reviewer",
      title: "reviewer",
      instructions: "Review code.",
    })
    const controller = new AbortController()
    const answer = await reviewer.answer("Review: <h1>Hi</h1>", Summary, {
      signal: controller.signal,
    })
    expect(answer).toBeInstanceOf(Summary)
    expect(answer.summary).toEqual(["fine"])
    expect(client.requests).toHaveLength(1)
    expect(client.requests[0]).toEqual({
      messages: [
        { role: "system", content: "Review code." },
        { role: "user", content: "Review: <h1>Hi</h1>" },
      ],
      responseType: Summary,
      signal: controller.signal,
    })
  })

  it("refuses an empty name, title or instructions, and a client without complete()", () => {
    const client = new ScriptedClient([])
    const base = { client, name: "A", title: "t", instructions: "i" }
    expect(() => new AgentOperator({ ...base, name: " " })).toThrow("name must be a non-empty")
    expect(() => new AgentOperator({ ...base, title: "" })).toThrow("title must be a non-empty")
    expect(() => new AgentOperator({ ...base, instructions: "" })).toThrow(
      "instructions must be a non-empty",
    )
    expect(() => new AgentOperator({ ...base, client: {} as unknown as ScriptedClient })).toThrow(
      "client must be an LlmClient",
    )
  })
})

describe("Executive and Developer", () => {
  it("carry default names, titles and instructions, each overridable", () => {
    const client = new ScriptedClient([])
    expect(new Executive({ client })).toMatchObject({
      name: "Executive",
      title: "executive",
      instructions: EXECUTIVE_INSTRUCTIONS,
    })
    expect(new Developer({ client })).toMatchObject({
      name: "Developer",
      title: "developer",
      instructions: DEVELOPER_INSTRUCTIONS,
    })
    expect(new Developer({ client, name: "Linus", instructions: undefined })).toMatchObject({
      name: "Linus",
      title: "developer",
      instructions: DEVELOPER_INSTRUCTIONS,
    })
  })

  it("ask for a plan, a file and a summary with the context each needs", async () => {
    const client = new ScriptedClient([
      { components: ["a.txt: the letter a"] },
      { fileName: "a.txt", fileContents: "a\n## not a heading\n" },
      { summary: ["a.txt: the letter a"] },
    ])
    const executive = new Executive({ client })
    const developer = new Developer({ client })
    const plan = await executive.planComponents("Write the alphabet")
    expect(plan).toBeInstanceOf(PlannedComponents)
    const file = await developer.implementComponent({
      prompt: "Write the alphabet",
      components: plan.components,
      component: plan.components[0]!,
      files: [new ProjectFile({ fileName: "z.txt", fileContents: "z" })],
    })
    expect(file).toBeInstanceOf(ProjectFile)
    await executive.summarize("Write the alphabet", [file])

    const [planning, writing, summarising] = client.requests.map((request) => ({
      system: request.messages[0]?.content,
      sections: parseQuerySections(request.messages[1]?.content ?? ""),
      type: request.responseType,
    }))
    expect(planning).toEqual({
      system: EXECUTIVE_INSTRUCTIONS,
      sections: [{ title: "Project", body: "Write the alphabet" }],
      type: PlannedComponents,
    })
    expect(writing!.system).toBe(DEVELOPER_INSTRUCTIONS)
    expect(writing!.type).toBe(ProjectFile)
    expect(writing!.sections.map((s) => [s.title, unfenced(s.body)])).toEqual([
      ["Project", "Write the alphabet"],
      ["Planned components", "- a.txt: the letter a"],
      ["Component to write", "a.txt: the letter a"],
      ["File: z.txt", "z"],
    ])
    expect(summarising!.type).toBe(Summary)
    expect(summarising!.sections.map((s) => [s.title, unfenced(s.body)])).toEqual([
      ["Project", "Write the alphabet"],
      ["File: a.txt", "a\n## not a heading\n"],
    ])
  })
})
