import { existsSync, readFileSync } from "node:fs"
import { resolve } from "node:path"
import { parseEnv } from "node:util"
import { ConfigurationError } from "./errors"

/** The environment variables concrete-db reads; any object of strings will do. */
export type Env = Readonly<Record<string, string | undefined>>

/**
 * Reads `.env` from `cwd` (if there is one) under the process environment: a variable set in the
 * environment wins over the file. Shared by the database settings and the LLM client.
 *
 * @example
 * const env = loadEnv() // process.env over ./.env
 * dataSourceOptionsFromEnv(env)
 */
export function loadEnv(cwd: string = process.cwd(), env: Env = process.env): Env {
  const file = resolve(cwd, ".env")
  if (!existsSync(file)) return env
  let fromFile: Env
  try {
    fromFile = parseEnv(readFileSync(file, "utf8"))
  } catch (error) {
    throw new ConfigurationError([`${file} could not be read (${(error as Error).message})`], {
      cause: error,
    })
  }
  return { ...fromFile, ...env }
}
