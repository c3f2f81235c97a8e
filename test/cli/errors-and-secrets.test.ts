import { existsSync, rmSync } from "node:fs"
import { join } from "node:path"
import { completion, StubChatServer } from "../clients/stub-chat-server"
import { type CliRun, runCli, sqliteEnv, tempDirectory } from "./cli-process"

// Each test runs the CLI as child processes, each compiling and loading the package.
jest.setTimeout(120_000)

const dir = tempDirectory()
const file = join(dir, "app.db")
const env = sqliteEnv(file)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

beforeAll(async () => {
  const migrated = await runCli(["migrate"], { cwd: dir, env })
  expect(migrated.code).toBe(0)
}, 60_000)

/** The run failed with exactly one line on stderr and nothing on stdout. */
function expectOneLineFailure(run: CliRun, code: number, pattern: RegExp): void {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code, stdout: "" })
  expect(run.stderr).toMatch(/^concrete-db[^\n]*\n$/)
  expect(run.stderr).toMatch(pattern)
}

describe("concrete-db --help", () => {
  it("lists the commands, and each command has its own help", async () => {
    const runs = await Promise.all([
      runCli(["--help"], { cwd: dir }),
      ...["demo", "migrate", "status", "messages", "export"].map((name) =>
        runCli([name, "--help"], { cwd: dir }),
      ),
      runCli(["help", "export"], { cwd: dir }),
    ])
    for (const run of runs)
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" })
    const [general, demo, migrate, status, messages, exporting, helpExport] = runs.map(
      (r) => r.stdout,
    )
    expect(general).toMatch(/^Usage: concrete-db <command> \[options\]\n/)
    for (const name of ["demo", "migrate", "status", "messages", "export"]) {
      expect(general).toMatch(new RegExp(`^  ${name} +\\S`, "m"))
    }
    expect(demo).toMatch(/^Usage: concrete-db demo \[options\]\n/)
    expect(demo).toContain("-p, --prompt <text>")
    expect(demo).toContain("--client <name>")
    expect(migrate).toMatch(/^Usage: concrete-db migrate\n/)
    expect(status).toMatch(/^Usage: concrete-db status\n/)
    expect(messages).toMatch(/^Usage: concrete-db messages <project> \[options\]\n/)
    expect(messages).toContain("--json")
    expect(exporting).toMatch(/^Usage: concrete-db export <project> \[options\]\n/)
    expect(exporting).toContain("-o, --out <file>")
    expect(helpExport).toBe(exporting)
    // --help works without a usable database.
    const broken = await runCli(["status", "--help"], { cwd: dir, env: { DB_DRIVER: "bogus" } })
    expect(broken.code).toBe(0)
  })
})

describe("concrete-db on bad input", () => {
  it("exits 2 with one line for a wrong command line", async () => {
    const cases: [string[], RegExp][] = [
      [[], /^concrete-db: missing command \(see "concrete-db --help"\)$/m],
      [
        ["nope"],
        /unknown command "nope" \(commands: demo, migrate, migration:generate, migration:revert, migration:show, status, messages, export\)/,
      ],
      [["messages"], /^concrete-db messages: missing argument <project>/],
      [["messages", "a", "b"], /^concrete-db messages: unexpected argument "b"/],
      [["messages", "a", "--bogus"], /^concrete-db messages: unknown option '--bogus'/],
      [["export", "a"], /^concrete-db export: missing --out <file>/],
      [
        ["export", "a", "--out"],
        /^concrete-db export: option '-o, --out <value>' argument missing/,
      ],
      [["status", "--json"], /^concrete-db status: unknown option '--json'/],
      [["demo", "--client", "claude"], /unknown client "claude" \(use "scripted" or "openai"\)/],
      [["demo", "--prompt", " "], /--prompt must not be empty/],
    ]
    const runs = await Promise.all(cases.map(([args]) => runCli(args, { cwd: dir, env })))
    runs.forEach((run, i) => {
      expectOneLineFailure(run, 2, cases[i]![1])
      expect(run.stderr).toContain("--help")
    })
  })

  it("exits 1 with one line for an unknown project, a missing database or a bad configuration", async () => {
    const missing = join(dir, "missing.db")
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["messages", "No such project"], env, /no project has the id or name "No such project"$/m],
      [["export", "01a21c00-0000-7000-8000-000000000000", "-o", "x.zip"], env, /no project has/],
      [["messages", "x"], sqliteEnv(missing), /there is no database at .*missing\.db yet/],
      [["status"], { DB_DRIVER: "bogus" }, /Invalid database configuration: DB_DRIVER "bogus"/],
      [["migrate"], { DB_DRIVER: "postgresql", DB_HOST: "h" }, /DB_USERNAME.* not set/],
      [["demo"], { ...env, DB_SQLITE_SYNCHRONOUS: "SOMETIMES" }, /DB_SQLITE_SYNCHRONOUS/],
      [
        ["status"],
        {
          DB_DRIVER: "postgresql",
          DB_USERNAME: "app",
          DB_PASSWORD: "",
          DB_HOST: "127.0.0.1",
          DB_PORT: "1",
          DB_DATABASE: "app",
        },
        /cannot open postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app: /,
      ],
    ]
    const runs = await Promise.all(
      cases.map(([args, vars]) => runCli(args, { cwd: dir, env: vars })),
    )
    runs.forEach((run, i) => expectOneLineFailure(run, 1, cases[i]![2]))
    expect(existsSync(missing)).toBe(false)
    expect(existsSync(join(dir, "x.zip"))).toBe(false)
  })
})

describe("concrete-db and secrets", () => {
  const PASSWORD = "pw-MARKER-7f3a9c"
  const API_KEY = "sk-MARKER-2b8e41"
  const server = new StubChatServer()
  beforeAll(() => server.start())
  afterAll(() => server.stop())

  function answer(body: unknown): unknown {
    const name = (body as { response_format?: { json_schema?: { name?: string } } }).response_format
      ?.json_schema?.name
    if (name === "PlannedComponents") return { components: ["index.html: the page"] }
    if (name === "ProjectFile") return { fileName: "index.html", fileContents: "<h1>Hi</h1>" }
    if (name === "Summary") return { summary: ["index.html: a greeting"] }
    return undefined
  }

  it("never prints DB_PASSWORD, a DATABASE_URL password or OPENAI_API_KEY", async () => {
    server.reply = (request) => {
      const content = answer(request.body)
      if (content === undefined) return { status: 400, text: "unexpected request" }
      // A hostile server that echoes the credentials it was sent, when asked for a summary.
      const auth = String(request.headers.authorization)
      if (
        (request.body as { messages: { content: string }[] }).messages.some((m) =>
          m.content.includes("echo"),
        )
      )
        return { status: 500, json: { error: { message: `bad key ${auth} ${PASSWORD}` } } }
      return { json: completion({ content: JSON.stringify(content) }) }
    }
    const secrets = { DB_PASSWORD: PASSWORD, OPENAI_API_KEY: API_KEY }
    const openai = { OPENAI_BASE_URL: server.baseUrl, OPENAI_MODEL: "stub-model" }
    const server5432 = {
      DB_DRIVER: "postgresql",
      DB_USERNAME: "app",
      DB_HOST: "127.0.0.1",
      DB_PORT: "1",
      DB_DATABASE: "app",
    }
    const runs = await Promise.all([
      runCli(["demo"], { cwd: dir, env: { ...env, ...secrets } }),
      runCli(["demo", "--client", "openai"], { cwd: dir, env: { ...env, ...secrets, ...openai } }),
      runCli(["demo", "--client", "openai", "--prompt", "echo"], {
        cwd: dir,
        env: { ...env, ...secrets, ...openai },
      }),
      runCli(["status"], { cwd: dir, env: { ...env, ...secrets } }),
      runCli(["status"], { cwd: dir, env: { ...server5432, ...secrets } }),
      runCli(["migrate"], { cwd: dir, env: { ...server5432, ...secrets } }),
      runCli(["messages", "x"], {
        cwd: dir,
        env: {
          DATABASE_URL: `postgresql://app:${PASSWORD}@127.0.0.1:1/app`,
          OPENAI_API_KEY: API_KEY,
        },
      }),
      runCli(["status"], { cwd: dir, env: { ...server5432, DB_PORT: "port", ...secrets } }),
    ])
    const [scripted, viaOpenAI, echoed, status, down, migrateDown, url, badPort] = runs
    expect(scripted.code).toBe(0)
    expect(viaOpenAI.code).toBe(0)
    expect(viaOpenAI.stdout).toContain("with 1 file (index.html)")
    expect(status.code).toBe(0)
    // The model's failure ends the demo; what was answered before it is saved.
    expect(echoed.code).toBe(1)
    expect(echoed.stdout).toBe('Running "echo" …\n')
    expect(echoed.stderr).toMatch(
      /^concrete-db demo: .*500.* \(saved so far: 1 message in project "echo #1" \([0-9a-f-]{36}\)\)\n$/,
    )
    expectOneLineFailure(down, 1, /cannot open postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app/)
    expectOneLineFailure(migrateDown, 1, /cannot open postgres:\/\/app:\*\*\*@/)
    expectOneLineFailure(url, 1, /cannot open postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app/)
    expectOneLineFailure(badPort, 1, /DB_PORT/)
    // The key did reach the model server, in the Authorization header only.
    expect(server.received.length).toBeGreaterThanOrEqual(4)
    expect(server.received.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true)
    for (const run of runs) {
      for (const secret of [PASSWORD, API_KEY]) {
        expect(run.stdout).not.toContain(secret)
        expect(run.stderr).not.toContain(secret)
      }
    }
  })
})
