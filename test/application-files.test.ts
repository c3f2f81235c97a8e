import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ConfigurationError } from "../src"
import { expandGlob, loadApplicationFiles } from "../src/application-files"

describe("expandGlob", () => {
  const dir = mkdtempSync(join(tmpdir(), "concrete-db-glob-"))
  beforeAll(() => {
    for (const file of [
      "dist/models/a.entity.js",
      "dist/models/a.entity.d.ts",
      "dist/models/a.entity.js.map",
      "dist/models/deep/b.entity.js",
      "dist/other.js",
      "dist/node_modules/c.entity.js",
    ]) {
      mkdirSync(join(dir, file, ".."), { recursive: true })
      writeFileSync(join(dir, file), "")
    }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("matches *, ** and {a,b} from the working directory, sorted, without declarations, maps or node_modules", () => {
    const names = (pattern: string) =>
      expandGlob(pattern, dir).map((file) => file.slice(dir.length + 1))
    expect(names("dist/models/*.js")).toEqual(["dist/models/a.entity.js"])
    expect(names("dist/**/*.entity.*")).toEqual([
      "dist/models/a.entity.js",
      "dist/models/deep/b.entity.js",
    ])
    expect(names("dist/{other,models/a.entity}.js")).toEqual([
      "dist/models/a.entity.js",
      "dist/other.js",
    ])
    expect(names(join(dir, "dist/other.js"))).toEqual(["dist/other.js"])
    expect(names("nowhere/*.js")).toEqual([])
  })
})

describe("loadApplicationFiles", () => {
  const dir = mkdtempSync(join(tmpdir(), "concrete-db-files-"))
  beforeAll(() => {
    mkdirSync(join(dir, "migrations"))
    writeFileSync(
      join(dir, "migrations/1-A.js"),
      "module.exports = class A1 { async up() {} async down() {} }",
    )
    writeFileSync(
      join(dir, "migrations/2-B.js"),
      "exports.B2 = class B2 { async up() {} async down() {} }; exports.helper = () => 1",
    )
    writeFileSync(join(dir, "broken.js"), "this is not javascript")
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("loads the migration classes DB_MIGRATIONS names, whatever way they are exported", () => {
    const { migrations, entities } = loadApplicationFiles(
      { DB_MIGRATIONS: "migrations/1-*.js, migrations/*.{js,mjs}" },
      dir,
    )
    expect(migrations.map((migration) => migration.name)).toEqual(["A1", "B2"])
    expect(entities).toEqual([])
  })

  it("loads nothing for a glob that matches nothing, or no variable", () => {
    expect(loadApplicationFiles({ DB_ENTITIES: "dist/*.js,", DB_MIGRATIONS: "" }, dir)).toEqual({
      entities: [],
      migrations: [],
    })
  })

  it("reports a file that cannot be loaded in one ConfigurationError naming the variable and the file", () => {
    expect(() => loadApplicationFiles({ DB_ENTITIES: "broken.js" }, dir)).toThrow(
      ConfigurationError,
    )
    expect(() => loadApplicationFiles({ DB_ENTITIES: "broken.js" }, dir)).toThrow(
      new RegExp(`DB_ENTITIES names ${join(dir, "broken.js")}, which could not be loaded`),
    )
  })
})
