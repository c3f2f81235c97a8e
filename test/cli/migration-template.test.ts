import { runInNewContext } from "node:vm"
import { migrationFileText } from "../../src/cli/migration-template"

const TRICKY = {
  className: "AddTricky1795000000000",
  up: [
    { query: "CREATE TABLE `a` (`b` varchar(8) DEFAULT '${x}\\n')" },
    { query: "INSERT INTO `m` VALUES (?, ?)", parameters: ["it's", 3] },
  ],
  down: [{ query: "DROP TABLE `a`" }],
}

// Runs a migration's up and down against a query runner that records what it is given.
async function recorded(
  source: string,
): Promise<{ name: string; up: unknown[][]; down: unknown[][] }> {
  const module = { exports: {} as unknown }
  runInNewContext(source, { module, exports: module.exports })
  const Migration = module.exports as new () => {
    name: string
    up(runner: object): Promise<void>
    down(runner: object): Promise<void>
  }
  const migration = new Migration()
  const up: unknown[][] = []
  const down: unknown[][] = []
  await migration.up({ query: (...args: unknown[]) => Promise.resolve(void up.push(args)) })
  await migration.down({ query: (...args: unknown[]) => Promise.resolve(void down.push(args)) })
  return { name: migration.name, up, down }
}

describe("migrationFileText", () => {
  it("writes JavaScript whose up and down send each statement exactly, backticks, ${ and backslashes included", async () => {
    const { name, up, down } = await recorded(migrationFileText(TRICKY, "js"))
    expect(name).toBe("AddTricky1795000000000")
    expect(up).toEqual([[TRICKY.up[0]!.query], [TRICKY.up[1]!.query, ["it's", 3]]])
    expect(down).toEqual([[TRICKY.down[0]!.query]])
  })

  it("writes TypeScript with the same statements, an exported class and type-only imports", () => {
    const text = migrationFileText(TRICKY, "ts")
    expect(text).toMatch(/^import type \{ MigrationInterface, QueryRunner \} from "typeorm"\n\n/)
    expect(text).toContain("export class AddTricky1795000000000 implements MigrationInterface {")
    expect(text).toContain('  name = "AddTricky1795000000000"')
    const js = migrationFileText(TRICKY, "js")
    const calls = (source: string) => source.match(/await queryRunner\.query\(.*\)$/gm)
    expect(calls(text)).toEqual(calls(js))
  })
})
