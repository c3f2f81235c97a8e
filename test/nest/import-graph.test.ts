import { existsSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import ts from "typescript"

// NestJS is an optional peer dependency: the package root must load without it. Walks the static
// import graph of a source file (every import form, type-only ones included) and lists the
// packages it reaches; needs no database.

const ROOT = resolve(__dirname, "../..")

/** The packages (bare specifiers) reachable from `entry`, and the source files on the way. */
function importGraph(entry: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>()
  const files = new Set<string>()
  const pending = [entry]
  while (pending.length > 0) {
    const file = pending.pop()!
    if (files.has(file)) continue
    files.add(file)
    const text = readFileSync(join(ROOT, file), "utf8")
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith(".")) {
        packages.add(fileName)
        continue
      }
      const base = resolve(ROOT, dirname(file), fileName)
      const found = [`${base}.ts`, join(base, "index.ts")].find((candidate) =>
        existsSync(candidate),
      )
      if (!found) throw new Error(`${file}: cannot resolve "${fileName}"`)
      pending.push(relative(ROOT, found))
    }
  }
  return { packages, files }
}

const isNest = (name: string): boolean => name.startsWith("@nestjs/") || name.startsWith("rxjs")

describe("the import graph of the package root", () => {
  // The package root, the CLI (bin) and the TypeORM CLI's data source: none needs NestJS.
  it.each(["src/index.ts", "src/cli/main.ts", "src/data-source.ts"])(
    "%s reaches no @nestjs package, no rxjs and nothing in src/nest",
    (entry) => {
      const { packages, files } = importGraph(entry)
      expect(files.size).toBeGreaterThan(50)
      expect([...packages].filter(isNest)).toEqual([])
      expect([...files].filter((file) => file.startsWith("src/nest/"))).toEqual([])
    },
  )

  it("src/nest/index.ts reaches @nestjs/common, @nestjs/core and rxjs (the walk sees them)", () => {
    const { packages } = importGraph("src/nest/index.ts")
    expect(
      [...packages].filter(isNest).map((name) => name.split("/").slice(0, 2).join("/")),
    ).toEqual(expect.arrayContaining(["@nestjs/common", "@nestjs/core", "rxjs"]))
  })
})
