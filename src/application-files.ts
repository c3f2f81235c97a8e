import { existsSync, readdirSync, statSync } from "node:fs"
import { isAbsolute, join, relative, resolve, sep } from "node:path"
import type { Env } from "./data-source-options"
import { ConfigurationError } from "./errors"

/** Classes the application's files export, found through `DB_ENTITIES` and `DB_MIGRATIONS`. */
export interface ApplicationFiles {
  /** Exported classes of the `DB_ENTITIES` files (every class; TypeORM keeps the entities). */
  readonly entities: readonly (new () => object)[]
  /** Exported migration classes (with an `up` method) of the `DB_MIGRATIONS` files. */
  readonly migrations: readonly (new () => object)[]
}

type Constructor = new () => object

/**
 * Loads (requires) the files that `DB_ENTITIES` and `DB_MIGRATIONS` name: comma-separated globs
 * (`*`, `**`, `?`, `{a,b}`), relative to `cwd`. A glob matching nothing adds nothing (the first
 * `migration:generate` runs before any migration exists). TypeScript files load when the process
 * runs under ts-node, or when the application has ts-node installed.
 *
 * @throws ConfigurationError when a file cannot be loaded, naming the variable and the file.
 *
 * @example
 * loadApplicationFiles({ DB_ENTITIES: "dist/models/*.js" }, process.cwd()).entities // [Reminder]
 */
export function loadApplicationFiles(env: Env, cwd: string = process.cwd()): ApplicationFiles {
  return {
    entities: classesOf("DB_ENTITIES", env, cwd),
    migrations: classesOf("DB_MIGRATIONS", env, cwd).filter(
      (candidate) =>
        typeof (candidate.prototype as { up?: unknown } | undefined)?.up === "function",
    ),
  }
}

function classesOf(variable: string, env: Env, cwd: string): Constructor[] {
  const value = env[variable]?.trim()
  if (!value) return []
  const found: Constructor[] = []
  for (const pattern of splitGlobs(value)) {
    for (const file of expandGlob(pattern, cwd)) {
      for (const exported of exportsOf(variable, file, cwd)) {
        if (!found.includes(exported)) found.push(exported)
      }
    }
  }
  return found
}

// Commas separate globs, except inside braces ("migrations/*.{ts,js}").
function splitGlobs(value: string): string[] {
  const globs: string[] = []
  let depth = 0
  let current = ""
  for (const char of value) {
    if (char === "," && depth === 0) {
      globs.push(current)
      current = ""
      continue
    }
    if (char === "{") depth += 1
    if (char === "}") depth = Math.max(0, depth - 1)
    current += char
  }
  globs.push(current)
  return globs.map((glob) => glob.trim()).filter((glob) => glob !== "")
}

function exportsOf(variable: string, file: string, cwd: string): Constructor[] {
  let loaded: unknown
  try {
    if (/\.[cm]?ts$/.test(file)) registerTypeScript(cwd)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file)
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error)
    throw new ConfigurationError(
      [`${variable} names ${file}, which could not be loaded (${reason})`],
      { cause: error },
    )
  }
  const values: unknown[] = typeof loaded === "function" ? [loaded] : Object.values(loaded ?? {})
  return values.filter((value): value is Constructor => typeof value === "function")
}

// A TypeScript file needs a compiler hook: the one this process runs under, else the
// application's ts-node (transpile only, the application's tsconfig.json).
function registerTypeScript(cwd: string): void {
  if (require.extensions[".ts"]) return
  let tsNode: string
  try {
    tsNode = require.resolve("ts-node", { paths: [cwd] })
  } catch {
    throw new Error(
      "it is TypeScript and ts-node is not installed: compile it and name the .js file, or npm install --save-dev ts-node",
    )
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsNodeModule = require(tsNode) as { register: (options: object) => void }
  tsNodeModule.register({ transpileOnly: true, compilerOptions: { module: "commonjs" } })
}

/**
 * The files a glob matches, sorted; relative globs are taken from `cwd`. Supports `*`, `**`, `?`,
 * `[abc]` and `{a,b}`; declaration files (`.d.ts`) and source maps are left out.
 *
 * @example
 * expandGlob("dist/**\/*.entity.js", "/srv/app") // ["/srv/app/dist/models/reminder.entity.js"]
 */
export function expandGlob(pattern: string, cwd: string): string[] {
  const absolute = (isAbsolute(pattern) ? pattern : resolve(cwd, pattern)).split(sep).join("/")
  const parts = absolute.split("/")
  const firstMagic = parts.findIndex((part) => /[*?[{]/.test(part))
  if (firstMagic === -1) {
    return existsSync(absolute) && statSync(absolute).isFile() ? [resolve(absolute)] : []
  }
  const base = parts.slice(0, firstMagic).join("/") || "/"
  if (!existsSync(base)) return []
  const matcher = globToRegExp(parts.slice(firstMagic).join("/"))
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue
      const full = join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile()) {
        const rest = relative(base, full).split(sep).join("/")
        if (matcher.test(rest) && !/\.d\.[cm]?ts$|\.map$/.test(rest)) files.push(full)
      }
    }
  }
  walk(base)
  return files.sort()
}

function globToRegExp(glob: string): RegExp {
  let source = ""
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!
    if (char === "*") {
      if (glob[i + 1] === "*") {
        // "**/" matches any number of directories, none included.
        const slash = glob[i + 2] === "/"
        source += slash ? "(?:[^/]*/)*" : ".*"
        i += slash ? 2 : 1
      } else {
        source += "[^/]*"
      }
    } else if (char === "?") {
      source += "[^/]"
    } else if (char === "{") {
      const end = glob.indexOf("}", i)
      if (end === -1) {
        source += "\\{"
        continue
      }
      const options = glob.slice(i + 1, end).split(",")
      source += `(?:${options.map((option) => globToRegExp(option).source.slice(1, -1)).join("|")})`
      i = end
    } else if (char === "[") {
      const end = glob.indexOf("]", i)
      if (end === -1) {
        source += "\\["
        continue
      }
      source += `[${glob.slice(i + 1, end).replace(/^!/, "^")}]`
      i = end
    } else {
      source += char.replace(/[.+^$()|\\]/g, "\\$&")
    }
  }
  return new RegExp(`^${source}$`)
}
