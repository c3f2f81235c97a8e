import { join } from "node:path"
import type { Env } from "../../src"
import { ROOT, createMariaDbUser, freePort, freshDatabase, startChild } from "./fixtures/helpers"

// Secrets in the CLI's output (src/cli/main.ts): with a database password and an LLM API key
// configured, neither appears in what `migrate`, `status` or `messages` print, working or
// failing. Each run must also end as it should (its exit code and what it says), so that a CLI
// that crashes at start cannot pass by printing nothing.

const DB_PASSWORD = `dbpw-${Math.random().toString(36).slice(2)}-Zq9!`
const WRONG_PASSWORD = `wrongpw-${Math.random().toString(36).slice(2)}-Xk7?`
const API_KEY = `sk-test-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
const SECRETS = [DB_PASSWORD, WRONG_PASSWORD, API_KEY]

// Each command runs against databases of this test's own, never the servers' admin databases.
const CLI = join(ROOT, "src/cli/main.ts")

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

describe("secrets in CLI output (src/cli/main.ts)", () => {
  const reachable = new Set(
    (process.env.CONCRETE_DB_TEST_AVAILABLE ?? "postgres,mariadb").split(","),
  )
  const databases: Array<{ kind: "postgres" | "mariadb"; env: Env; drop: () => Promise<void> }> = []

  beforeAll(async () => {
    for (const kind of ["postgres", "mariadb"] as const) {
      if (!reachable.has(kind)) continue
      const created = await freshDatabase(kind)
      let drop = created.drop
      let env: Env = { ...created.env, DB_PASSWORD, DB_CONNECT_TIMEOUT_MS: "1500" }
      if (kind === "mariadb") {
        const user = await createMariaDbUser(created.name, DB_PASSWORD)
        env = { ...env, DB_USERNAME: user.user }
        drop = async () => {
          await user.drop()
          await created.drop()
        }
      }
      databases.push({ kind, env, drop })
    }
  })

  afterAll(async () => {
    for (const database of databases) await database.drop()
  })

  async function runCli(args: readonly string[], env: Env): Promise<Run> {
    const child = startChild(CLI, args, { ...env, OPENAI_API_KEY: API_KEY })
    const timer = setTimeout(() => child.process.kill("SIGKILL"), 60_000)
    const exit = await child.exited
    clearTimeout(timer)
    // It ended by itself: a CLI must not hang on a database error.
    expect(exit.signal).toBeNull()
    return { code: exit.code, stdout: child.lines.join("\n"), stderr: child.stderr() }
  }

  it("shows no secret in `migrate`, `status` and `messages`, working or failing", async () => {
    expect(databases.length).toBeGreaterThan(0)
    const port = String(await freePort())
    const unknownId = "01900000-0000-7000-8000-000000000000"
    for (const { kind, env } of databases) {
      // Each run: its arguments, environment, exit code and a line it must print (stdout first).
      const runs: Array<readonly [readonly string[], Env, number, RegExp]> = [
        [["migrate"], env, 0, /InitialSchema1764230400000/],
        [["status"], env, 0, /Migrations: 2 applied, 0 pending/],
        [["messages", unknownId], env, 1, /no project has the id or name "01900000-/],
        [["messages", "no such project"], env, 1, /no project has the id or name "no such/],
        [["status"], { ...env, DB_PORT: port }, 1, /^concrete-db status: .*ECONNREFUSED/m],
        [
          ["messages", "no such project"],
          { ...env, DB_PORT: port },
          1,
          /^concrete-db messages: .*ECONNREFUSED/m,
        ],
        [["status"], { ...env, DB_PORT: "not-a-port" }, 1, /DB_PORT must be a port number/],
      ]
      if (kind === "mariadb") {
        runs.push([
          ["status"],
          { ...env, DB_PASSWORD: WRONG_PASSWORD },
          1,
          /^concrete-db status: .*Access denied/m,
        ])
      }
      for (const [args, runEnv, code, says] of runs) {
        const where = `concrete-db ${args.join(" ")} on ${kind}`
        const run = await runCli(args, runEnv)
        for (const secret of SECRETS) {
          if (`${run.stdout}\n${run.stderr}`.includes(secret)) {
            throw new Error(`${where} shows a secret: ${run.stdout}\n${run.stderr}`)
          }
        }
        expect({ where, code: run.code }).toEqual({ where, code })
        const text = `${run.stdout}\n${run.stderr}`
        expect({ where, output: says.test(text) ? "as expected" : text }).toEqual({
          where,
          output: "as expected",
        })
      }
    }
  })
})
