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
    expect([...examples().keys()]).toEqual(expect.arrayContaining(["session", "services"]))
  })

  it.each([...examples().entries()])("runs the %s example as written", (name, code) => {
    // What a user pastes imports the package; here the package is this repository's source.
    const file = join(dir, `${name}.ts`)
    writeFileSync(
      file,
      code.replaceAll('from "concrete-db"', `from ${JSON.stringify(join(ROOT, "src"))}`),
    )
    const output = execFileSync(
      process.execPath,
      ["-r", require.resolve("ts-node/register"), file],
      {
        cwd: dir,
        encoding: "utf8",
        env: {
          ...process.env,
          TS_NODE_PROJECT: join(ROOT, "tsconfig.json"),
          TS_NODE_TRANSPILE_ONLY: "true",
          DB_DRIVER: "sqlite",
          DB_DATABASE: join(dir, `${name}.db`),
        },
      },
    )
    expect(output.trim().length).toBeGreaterThan(0)
    if (name === "session") expect(output).toMatch(/^1 message by ada-\d+@example.com$/m)
    if (name === "services") {
      expect(output).toContain("UserCreate.role, UserCreate.email")
      expect(output).toMatch(/^1 message$/m)
    }
  })
})
