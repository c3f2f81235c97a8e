import {
  PROJECT_BASE_NAME_LENGTH,
  directoryName,
  projectBaseName,
  runOrdinalOf,
  runProjectName,
} from "../../src/orchestrators/project-naming"

describe("project naming", () => {
  it("starts a run's project name with the prompt's first line, whitespace collapsed", () => {
    expect(projectBaseName("\n  Build a hello\tworld  page\nwith a footer")).toBe(
      "Build a hello world page",
    )
    expect(projectBaseName("   \n\t")).toBe("Project")
  })

  it("shortens a long prompt at a whole character, ending in …", () => {
    const base = projectBaseName(`${"a".repeat(PROJECT_BASE_NAME_LENGTH - 2)}👩‍👩‍👧 and more`)
    expect([...base].length).toBeLessThanOrEqual(PROJECT_BASE_NAME_LENGTH)
    expect(base).toBe(`${"a".repeat(PROJECT_BASE_NAME_LENGTH - 2)}…`)
    const spaced = projectBaseName(`${"word ".repeat(20)}`)
    expect(spaced.endsWith(" …")).toBe(false)
    expect(spaced.endsWith("…")).toBe(true)
  })

  it("numbers runs and fits 64 characters", () => {
    expect(runProjectName("Build a page", 2)).toBe("Build a page #2")
    const long = runProjectName("x".repeat(70), 123456789)
    expect([...long].length).toBe(64)
    expect(long.endsWith("… #123456789")).toBe(true)
  })

  it("reads the ordinal back from a generated name only", () => {
    expect(runOrdinalOf("Build a page #12")).toBe(12)
    expect(runOrdinalOf(runProjectName(projectBaseName("ÉTÉ 2025"), 3))).toBe(3)
    expect(runOrdinalOf("Build a page")).toBeUndefined()
    expect(runOrdinalOf("Build a page #0")).toBeUndefined()
    expect(runOrdinalOf("Build a page #1x")).toBeUndefined()
  })

  it("turns a project name into a directory name", () => {
    expect(directoryName("Build a hello world page #2")).toBe("build-a-hello-world-page-2")
    expect(directoryName("Été à Paris!")).toBe("ete-a-paris")
    expect(directoryName("日本語")).toBe("project")
    expect(directoryName(`${"ab ".repeat(40)}`).length).toBeLessThanOrEqual(64)
    expect(directoryName(`${"ab ".repeat(40)}`).endsWith("-")).toBe(false)
  })
})
