import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const ROOT = resolve(__dirname, "..")

// The seed's example as an application writes it, against this repository's source. On a
// configured database whose table is missing, it reports the error, creates the table as a
// migration would, and tries again in a new session.
const SEED_EXAMPLE = `
import { Entity } from ${JSON.stringify(join(ROOT, "node_modules/typeorm"))}
import { MetadataEntity, Session, getDataSource } from ${JSON.stringify(join(ROOT, "src"))}
import { applicationChanges } from ${JSON.stringify(join(ROOT, "src/cli/migration-generate-command"))}

@Entity()
class MyModel extends MetadataEntity {}

async function save(): Promise<void> {
  await using session = new Session()
  const myModel = new MyModel()
  session.add(myModel)
  await session.commit()
  console.log("saved", (await session.find(MyModel)).length)
}

async function main(): Promise<void> {
  try {
    await save()
  } catch (error) {
    console.log(String(error))
    const dataSource = await getDataSource()
    for (const { query } of (await applicationChanges(dataSource)).up) await dataSource.query(query)
    await save()
  }
}

main()
  .then(async () => (await getDataSource()).destroy())
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
`

function run(
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["-r", require.resolve("ts-node/register"), join(cwd, "seed.ts")],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? "",
          TS_NODE_PROJECT: join(ROOT, "tsconfig.json"),
          TS_NODE_TRANSPILE_ONLY: "true",
          ...env,
        },
        timeout: 100_000,
      },
      (error, stdout, stderr) => {
        done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr })
      },
    )
  })
}

describe("getDataSource", () => {
  const dir = mkdtempSync(join(tmpdir(), "concrete-db-seed-"))
  beforeAll(() => writeFileSync(join(dir, "seed.ts"), SEED_EXAMPLE))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("holds a model of the application's own, and on the embedded default creates its table once, with one line on stderr", async () => {
    const first = await run(dir)
    expect(first).toMatchObject({ code: 0, stdout: "saved 1\n" })
    expect(first.stderr).toBe(
      `concrete-db: created table "my_model" for MyModel in the embedded database sqlite:${join(dir, "sql_app.db")} (created once, never altered); for a configured database write its migration with "npx concrete-db migration:generate migrations/AddMyModel"\n`,
    )
    const second = await run(dir)
    expect(second).toMatchObject({ code: 0, stdout: "saved 2\n", stderr: "" })
  })

  it("creates nothing on a configured database: the missing table is a MissingTableError until a migration creates it", async () => {
    const result = await run(dir, { DB_DRIVER: "sqlite", DB_DATABASE: "configured.db" })
    expect(result.stderr).toBe("")
    expect(result.stdout).toBe(
      [
        `MissingTableError: MyModel's table "my_model" does not exist in sqlite:${join(dir, "configured.db")}; write its migration with "npx concrete-db migration:generate migrations/AddMyModel" and apply it with "npx concrete-db migrate" (DB_MIGRATIONS naming the migrations).`,
        "saved 1",
        "",
      ].join("\n"),
    )
    expect(result.code).toBe(0)
  })
})
