import {
  LlmClientError,
  type ProjectDirectory,
  SoftwareOrchestrator,
  TextMessage,
  demoClient,
} from "../../src"

async function runDemo(prompt: string): Promise<ProjectDirectory> {
  return new SoftwareOrchestrator({ client: demoClient() }).run(prompt)
}

describe("demoClient", () => {
  it("makes a hello world project with an index.html and a README.md", async () => {
    const result = await runDemo("Build a hello world web page")
    expect(result.projectName).toBe("build-a-hello-world-web-page")
    expect(result.files.map((file) => file.fileName)).toEqual(["index.html", "README.md"])
    const [html, readme] = result.files
    expect(html!.fileContents).toContain("<h1>Hello, world!</h1>")
    expect(html!.fileContents).toContain("<p>Build a hello world web page</p>")
    expect(readme!.fileContents).toMatch(/^# Build a hello world web page\n/)
    expect(readme!.fileContents).toContain("- `index.html`\n- `README.md`")
  })

  it("answers the same prompt with the same project every time", async () => {
    const prompt = "Une page « bonjour » 👋\nwith ## a heading and ``` fences"
    expect((await runDemo(prompt)).toContent()).toBe((await runDemo(prompt)).toContent())
  })

  it("works from any prompt, escaping it in HTML", async () => {
    const result = await runDemo('<script>alert("x")</script> & more\n\nsecond line')
    expect(result.files.map((file) => file.fileName)).toEqual(["index.html", "README.md"])
    expect(result.files[0]!.fileContents).toContain(
      "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>",
    )
    expect(result.files[0]!.fileContents).not.toContain("<script>")
  })

  it("summarises each file written, in order", async () => {
    const client = demoClient()
    const entries: string[] = []
    await new SoftwareOrchestrator({ client }).run("Hello", {
      onMessage: (entry) => void entries.push(entry.message.toContent()),
    })
    const summary = JSON.parse(entries[4]!) as { summary: string[] }
    expect(summary.summary).toHaveLength(2)
    expect(summary.summary[0]).toMatch(/^index\.html: an HTML page .* \(11 lines\)\.$/)
    expect(summary.summary[1]).toMatch(/^README\.md: a README .* \(10 lines\)\.$/)
  })

  it("refuses a type it cannot answer", async () => {
    const error = await demoClient()
      .complete({ messages: [{ role: "user", content: "hi" }], responseType: TextMessage })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LlmClientError)
    expect(error).toMatchObject({ reason: "refusal" })
    expect((error as Error).message).toContain("not TextMessage")
  })
})
