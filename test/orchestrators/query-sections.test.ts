import fc from "fast-check"
import {
  fenced,
  fileSections,
  formatQuery,
  parseQuerySections,
  unfenced,
} from "../../src/orchestrators/query-sections"

describe("query sections", () => {
  it("formats an instruction and titled sections as Markdown", () => {
    expect(
      formatQuery(" Plan it. ", [
        { title: "Project", body: "Hello world\n" },
        { title: "Planned components", body: "- index.html" },
      ]),
    ).toBe("Plan it.\n\n## Project\nHello world\n\n## Planned components\n- index.html")
  })

  it("reads the sections back, leaving the instruction out", () => {
    const query = formatQuery("Do it.", [
      { title: "Project", body: "two\nlines" },
      { title: "Component to write", body: "index.html" },
    ])
    expect(parseQuerySections(query)).toEqual([
      { title: "Project", body: "two\nlines" },
      { title: "Component to write", body: "index.html" },
    ])
    expect(parseQuerySections("no sections at all")).toEqual([])
  })

  it("keeps file contents whole, whatever headings or fences they hold", () => {
    const contents = "# Title\n\n## Files\n\n```ts\nconst a = 1\n```\n\n````\n## not a heading\n"
    const sections = parseQuerySections(
      formatQuery("Summarise.", [
        { title: "Project", body: "p" },
        ...fileSections([
          { fileName: "README.md", fileContents: contents },
          { fileName: "b.txt", fileContents: "b" },
        ]),
      ]),
    )
    expect(sections.map((section) => section.title)).toEqual([
      "Project",
      "File: README.md",
      "File: b.txt",
    ])
    expect(unfenced(sections[1]!.body)).toBe(contents)
    expect(unfenced(sections[2]!.body)).toBe("b")
  })

  it("round-trips any text through fenced and a parsed section", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string(), (text, other) => {
        expect(unfenced(fenced(text))).toBe(text)
        const [first, second] = parseQuerySections(
          formatQuery("x", [
            { title: "A", body: fenced(text) },
            { title: "B", body: fenced(other) },
          ]),
        )
        expect(unfenced(first!.body)).toBe(text)
        expect(first!.title).toBe("A")
        expect(second!.title).toBe("B")
        expect(unfenced(second!.body)).toBe(other)
      }),
    )
  })

  it("leaves a block that is not fenced as it is", () => {
    expect(unfenced("plain")).toBe("plain")
    expect(unfenced("```\nnot closed")).toBe("```\nnot closed")
  })
})
