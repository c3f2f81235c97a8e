import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const ROOT = resolve(__dirname, "..")

/** The code blocks of README.md marked `<!-- example: name -->`, by name. */
function examples(): Map<string, string> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8")
  const found = new Map<string, string>()
  for (const match of readme.matchAll(/<!-- example: ([\w-]+) -->\s*```ts\n([\s\S]*?)```/g)) {
    found.set(match[1]!, match[2]!)
  }
  return found
}

describe("README examples", () => {
  const dir = mkdtempSync(join(tmpdir(), "concrete-readme-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("has the examples it promises", () => {
    expect([...examples().keys()]).toEqual(
      expect.arrayContaining(["session", "services", "own-model"]),
    )
  })

  it.each([...examples().entries()])("runs the %s example as written", (name, code) => {
    // What a user pastes imports the package; here the package is this repository's source.
    const file = join(dir, `${name}.ts`)
    writeFileSync(
      file,
      code
        .replaceAll('from "concrete-db"', `from ${JSON.stringify(join(ROOT, "src"))}`)
        .replaceAll('from "typeorm"', `from ${JSON.stringify(join(ROOT, "node_modules/typeorm"))}`),
    )
    // The seed's example runs as a new user runs it: nothing configured, the embedded default.
    const configured =
      name === "own-model" ? {} : { DB_DRIVER: "sqlite", DB_DATABASE: join(dir, `${name}.db`) }
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(DB_|DATABASE_URL$)/.test(key)),
    )
    const output = execFileSync(
      process.execPath,
      ["-r", require.resolve("ts-node/register"), file],
      {
        cwd: dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...inherited,
          TS_NODE_PROJECT: join(ROOT, "tsconfig.json"),
          TS_NODE_TRANSPILE_ONLY: "true",
          ...configured,
        },
      },
    )
    expect(output.trim().length).toBeGreaterThan(0)
    if (name === "own-model") expect(output).toBe("saved true\n")
    if (name === "session") expect(output).toMatch(/^1 message by ada-\d+@example.com$/m)
    if (name === "pages") expect(output).toBe("120 50 true\n")
    if (name === "services") {
      expect(output).toContain("UserCreate.role, UserCreate.email")
      expect(output).toMatch(/^1 message$/m)
    }
  })
})
