import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import ts from "typescript"

// Imports run downward: the engine (src/internal/) knows nothing of the model, entities know
// nothing of message classes, and migrations use only what is meant for migrations. Reads the
// source (every import, export-from, side-effect import, import() and require(), type-only ones
// included); needs no database.

const ROOT = resolve(__dirname, "../..")

/** Modules every layer may use. */
const BASE = ["src/errors.ts", "src/uuid.ts"]

interface Rule {
  /** The files the rule is about: a folder (ending in "/") or one file, relative to the root. */
  readonly files: string
  /** What they may import besides packages: folders (ending in "/") or files. */
  readonly mayImport: readonly string[]
  readonly why: string
}

const RULES: readonly Rule[] = [
  {
    files: "src/internal/",
    mayImport: ["src/internal/", ...BASE],
    why: "the engine works on TypeORM metadata, never on this package's entities, mixins, decorators or configuration",
  },
  {
    files: "src/decorators/",
    mayImport: ["src/decorators/", "src/internal/", ...BASE],
    why: "decorators sit below mixins and entities",
  },
  {
    files: "src/mixins/",
    mayImport: ["src/mixins/", "src/decorators/", "src/internal/", ...BASE],
    why: "mixins sit below entities",
  },
  {
    files: "src/entities/",
    mayImport: ["src/entities/", "src/mixins/", "src/decorators/", "src/internal/", ...BASE],
    why: "entities sit below messages, DTOs and services (Message.toObj() comes from src/messages/message-to-obj.ts)",
  },
  {
    files: "src/messages/",
    mayImport: [
      "src/messages/",
      "src/entities/",
      "src/mixins/",
      "src/decorators/",
      "src/internal/",
      ...BASE,
    ],
    why: "message classes sit below services, clients and orchestrators",
  },
  {
    files: "src/migration-helpers.ts",
    mayImport: ["src/internal/", ...BASE],
    why: "migrations import it, and the data source imports the migrations",
  },
  {
    files: "migrations/",
    mayImport: ["migrations/", "src/migration-helpers.ts", ...BASE],
    why: "a migration uses what is meant for migrations (and the error classes); not src/index.ts, which loads the data source, which loads the migrations",
  },
]

/** Imports allowed to break a rule: none. */
const KNOWN_OFFENDERS: readonly string[] = []

function sourceFiles(folder: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`
    if (entry.isDirectory()) found.push(...sourceFiles(path))
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(path)
  }
  return found
}

/** Every module specifier a source text names. */
function importedModules(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName)
}

/** The root-relative file a relative specifier names, or undefined for a package. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined
  const base = resolve(ROOT, dirname(from), specifier)
  for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) {
    if (existsSync(candidate) && candidate.endsWith(".ts")) return relative(ROOT, candidate)
  }
  throw new Error(`${from}: cannot resolve "${specifier}"`)
}

const within = (path: string, place: string): boolean =>
  place.endsWith("/") ? path.startsWith(place) : path === place

/** The rule for a file: the one naming the most specific place. */
function ruleFor(file: string): Rule | undefined {
  return RULES.filter((rule) => within(file, rule.files)).sort(
    (a, b) => b.files.length - a.files.length,
  )[0]
}

/** "file -> imported file" for every import that breaks its file's rule. */
function violations(): string[] {
  const broken: string[] = []
  for (const file of [...sourceFiles("src"), ...sourceFiles("migrations")].sort()) {
    const rule = ruleFor(file)
    if (!rule) continue
    for (const specifier of importedModules(readFileSync(join(ROOT, file), "utf8"))) {
      const target = resolveImport(file, specifier)
      if (target === undefined || rule.mayImport.some((place) => within(target, place))) continue
      broken.push(`${file} -> ${target}`)
    }
  }
  return [...new Set(broken)]
}

describe("layering", () => {
  const found = violations()

  it("every import runs downward (apart from the known offenders being fixed elsewhere)", () => {
    const unexpected = found
      .filter((edge) => !KNOWN_OFFENDERS.includes(edge))
      .map((edge) => `${edge}: ${ruleFor(edge.split(" -> ")[0]!)!.why}`)
    expect(unexpected).toEqual([])
  })

  it("every known offender still offends (remove the fixed ones; the list should end empty)", () => {
    expect(KNOWN_OFFENDERS.filter((edge) => !found.includes(edge))).toEqual([])
  })

  it("no rule is about a place that no longer exists", () => {
    const files = [...sourceFiles("src"), ...sourceFiles("migrations")]
    const vacant = RULES.filter((rule) => !files.some((file) => within(file, rule.files)))
    expect(vacant.map((rule) => rule.files)).toEqual([])
  })

  it("sees every form of import, type-only ones included", () => {
    const text = [
      'import { a } from "./plain"',
      'import type { B } from "./type-only"',
      'import "./side-effect"',
      'export * from "./re-export"',
      'export { c } from "./named-re-export"',
      'const d = require("./required")',
      'const e = import("./dynamic")',
    ].join("\n")
    expect(importedModules(text).sort()).toEqual(
      [
        "./dynamic",
        "./named-re-export",
        "./plain",
        "./re-export",
        "./required",
        "./side-effect",
        "./type-only",
      ].sort(),
    )
  })
})
