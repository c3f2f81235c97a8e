import { execFile } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { availableParallelism, tmpdir } from "node:os"
import { join, resolve } from "node:path"

const ROOT = resolve(__dirname, "../..")

// Children each compile and load the package; more at once than cores only slows them all.
const MAX_CHILDREN = Math.max(2, availableParallelism())
let running = 0
const waiting: (() => void)[] = []

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CHILDREN) await new Promise<void>((resolve) => waiting.push(resolve))
  running += 1
  try {
    return await work()
  } finally {
    running -= 1
    waiting.shift()?.()
  }
}

/** What a `concrete-db` child process did. */
export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A new empty directory for a test's database, zips and working directory. */
export function tempDirectory(): string {
  return mkdtempSync(join(tmpdir(), "concrete-db-cli-"))
}

/**
 * Runs `node -r ts-node/register src/cli/main.ts ...args` (transpile-only) in `cwd` with only
 * `env` (plus PATH and ts-node's settings): nothing of the test process's environment leaks in.
 * Asynchronous, so a stub server in this process can answer the child.
 */
export function runCli(
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: Readonly<Record<string, string>> },
): Promise<CliRun> {
  const env = {
    PATH: process.env.PATH ?? "",
    TS_NODE_TRANSPILE_ONLY: "true",
    TS_NODE_PROJECT: join(ROOT, "tsconfig.json"),
    ...options.env,
  }
  const argv = ["-r", require.resolve("ts-node/register"), join(ROOT, "src/cli/main.ts"), ...args]
  return slot(
    () =>
      new Promise<CliRun>((done) => {
        execFile(
          process.execPath,
          argv,
          { cwd: options.cwd, env, timeout: 100_000, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : -1) : 0
            done({ code, stdout, stderr })
          },
        )
      }),
  )
}

/** The environment for an SQLite file. */
export function sqliteEnv(file: string): Record<string, string> {
  return { DB_DRIVER: "sqlite", DB_DATABASE: file }
}
