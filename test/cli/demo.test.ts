import { existsSync, mkdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { runCli, sqliteEnv, tempDirectory } from "./cli-process"

// Each test runs the CLI as child processes, each compiling and loading the package.
jest.setTimeout(120_000)

const dir = tempDirectory()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ROW = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} {2}(\S.*?) {2,}(\w+) {2,}(\w+) {2,}(.+)$/

/** The table rows of a demo's or `messages`' output: [sender, type, status, excerpt]. */
function tableRows(stdout: string): string[][] {
  return stdout
    .split("\n")
    .map((line) => ROW.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => match.slice(1, 5).map((cell) => cell.trim()))
}

const CONVERSATION = [
  ["user@concrete.local", "textmessage", "working"],
  ["Executive (executive)", "plannedcomponents", "working"],
  ["Developer (developer)", "projectfile", "working"],
  ["Developer (developer)", "projectfile", "working"],
  ["Executive (executive)", "summary", "working"],
  ["Developer (developer)", "projectdirectory", "finished"],
]

describe("concrete-db demo", () => {
  it("saves a run, prints it as read back from the database, and keeps both of two runs", async () => {
    const file = join(dir, "twice.db")
    const env = sqliteEnv(file)

    const first = await runCli(["demo"], { cwd: dir, env })
    expect(first).toMatchObject({ code: 0, stderr: "" })
    expect(first.stdout).toContain("Applied migration InitialSchema1764230400000")
    expect(first.stdout).toContain('Project "Build a hello world web page #1"')
    expect(first.stdout).toContain("6 messages saved, read back from the database")
    expect(first.stdout).toMatch(/^TIME \(UTC\) +SENDER +TYPE +STATUS +CONTENT$/m)
    expect(tableRows(first.stdout).map((row) => row.slice(0, 3))).toEqual(CONVERSATION)
    expect(tableRows(first.stdout)[0]![3]).toBe("Build a hello world web page")
    expect(first.stdout).toContain(`Database: sqlite:${file}\n`)
    expect(first.stdout).toContain(
      "Result: build-a-hello-world-web-page-1/ with 2 files (index.html, README.md)",
    )
    expect(first.stdout).toContain(
      'Runs saved by "Software Orchestrator" of user@concrete.local: 1',
    )

    const second = await runCli(["demo"], { cwd: dir, env })
    expect(second).toMatchObject({ code: 0, stderr: "" })
    expect(second.stdout).not.toContain("Applied migration")
    expect(second.stdout).toContain('Project "Build a hello world web page #2"')
    expect(tableRows(second.stdout).map((row) => row.slice(0, 3))).toEqual(CONVERSATION)
    expect(second.stdout).toContain("of user@concrete.local: 2")

    // Both runs are there, the user, orchestrator and operators once.
    const [status, firstRun] = await Promise.all([
      runCli(["status"], { cwd: dir, env }),
      runCli(["messages", "Build a hello world web page #1"], { cwd: dir, env }),
    ])
    expect(status.code).toBe(0)
    const counts = Object.fromEntries(
      [...status.stdout.matchAll(/^ {2}(\w+) +(\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
    )
    expect(counts).toMatchObject({ user: 1, orchestrator: 1, operator: 2, project: 4, message: 12 })
    expect(firstRun.code).toBe(0)
    expect(tableRows(firstRun.stdout).map((row) => row.slice(0, 3))).toEqual(CONVERSATION)
  })

  it("runs the prompt given with --prompt", async () => {
    const env = sqliteEnv(join(dir, "prompt.db"))
    const run = await runCli(["demo", "--prompt", "Build a guest book"], { cwd: dir, env })
    expect(run).toMatchObject({ code: 0, stderr: "" })
    expect(run.stdout).toContain('Project "Build a guest book #1"')
    expect(tableRows(run.stdout)[0]![3]).toBe("Build a guest book")
  })

  it("uses sql_app.db in the working directory when no DB_* variable is set, as npm start does", async () => {
    const cwd = join(dir, "fresh-clone")
    mkdirSync(cwd)
    const run = await runCli(["demo"], { cwd })
    expect(run).toMatchObject({ code: 0, stderr: "" })
    expect(run.stdout).toContain(`Database: sqlite:${join(cwd, "sql_app.db")}\n`)
    expect(existsSync(join(cwd, "sql_app.db"))).toBe(true)
  })
})

describe("concrete-db migrate and status", () => {
  it("status on a database that does not exist yet lists what is pending and creates nothing", async () => {
    const file = join(dir, "missing.db")
    const run = await runCli(["status"], { cwd: dir, env: sqliteEnv(file) })
    expect(run).toMatchObject({ code: 0, stderr: "" })
    expect(run.stdout).toBe(
      [
        `Database: sqlite:${file} (the file does not exist yet; "concrete-db migrate" creates it)`,
        "Migrations: 0 applied, 2 pending",
        "  pending  InitialSchema1764230400000",
        "  pending  MessageStatusCheck1795910400000",
        "",
      ].join("\n"),
    )
    expect(existsSync(file)).toBe(false)
  })

  it("migrate names each migration as it runs, then finds none pending; status shows them", async () => {
    const file = join(dir, "migrate.db")
    const env = sqliteEnv(file)
    const first = await runCli(["migrate"], { cwd: dir, env })
    expect(first).toMatchObject({ code: 0, stderr: "" })
    expect(first.stdout).toMatch(
      new RegExp(
        `^Database: sqlite:${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\nApplying InitialSchema1764230400000 … done \\(\\d+ ms\\)\nApplying MessageStatusCheck1795910400000 … done \\(\\d+ ms\\)\nApplied 2 migrations\\.\n$`,
      ),
    )
    const again = await runCli(["migrate"], { cwd: dir, env })
    expect(again.stdout).toBe(
      `Database: sqlite:${file}\nNo pending migrations: the schema is up to date.\n`,
    )
    const status = await runCli(["status"], { cwd: dir, env })
    expect(status.code).toBe(0)
    expect(status.stdout).toContain(
      "Migrations: 2 applied, 0 pending\n  applied  InitialSchema1764230400000\n  applied  MessageStatusCheck1795910400000\nRows:\n",
    )
    const tables = [...status.stdout.matchAll(/^ {2}(\w+) +(\d+)$/gm)].map((m) => [m[1], m[2]])
    expect(tables.map(([table]) => table)).toEqual([
      "auth_state",
      "auth_token",
      "client",
      "log",
      "message",
      "node",
      "operator",
      "operator_tool_link",
      "orchestrator",
      "orchestrator_tool_link",
      "project",
      "repo_node",
      "tool",
      "user",
      "user_tool_link",
    ])
    expect(tables.every(([, count]) => count === "0")).toBe(true)
  })
})
