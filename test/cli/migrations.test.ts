import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { describeEachDatabase } from "../support/databases"
import { runCli, tempDirectory } from "./cli-process"

// Each test runs the CLI as child processes, each compiling and loading the package.
jest.setTimeout(180_000)

const ROOT = resolve(__dirname, "../..")

// An application's entity, as its own file; the children load it through DB_ENTITIES.
function writeEntity(dir: string, extraColumn = ""): void {
  mkdirSync(join(dir, "models"), { recursive: true })
  writeFileSync(
    join(dir, "models/reminder.ts"),
    `
import { Column, Entity, JoinColumn, ManyToOne } from ${JSON.stringify(join(ROOT, "node_modules/typeorm"))}
import { MetadataEntity, User } from ${JSON.stringify(join(ROOT, "src"))}

@Entity()
export class Reminder extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  title!: string
  ${extraColumn}
  @Column({ name: "user_id", type: "uuid" })
  userId!: string

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User
}
`,
  )
}

describe("concrete-db migration commands --help", () => {
  const dir = tempDirectory()
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("each has its own help, and the command list names them", async () => {
    const [general, generate, revert, show] = await Promise.all([
      runCli(["--help"], { cwd: dir }),
      ...["migration:generate", "migration:revert", "migration:show"].map((name) =>
        runCli([name, "--help"], { cwd: dir }),
      ),
    ])
    for (const run of [general, generate, revert, show]) {
      expect({ code: run!.code, stderr: run!.stderr }).toEqual({ code: 0, stderr: "" })
    }
    for (const name of ["migration:generate", "migration:revert", "migration:show"]) {
      expect(general.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"))
    }
    expect(general.stdout).toContain("DB_ENTITIES, DB_MIGRATIONS")
    expect(generate!.stdout).toMatch(
      /^Usage: concrete-db migration:generate <dir\/Name> \[options\]\n/,
    )
    expect(generate!.stdout).toContain("--js")
    expect(revert!.stdout).toMatch(/^Usage: concrete-db migration:revert\n/)
    expect(show!.stdout).toMatch(/^Usage: concrete-db migration:show\n/)
  })

  it("exits 2 with one line for a missing or invalid migration name", async () => {
    const [missing, invalid] = await Promise.all([
      runCli(["migration:generate"], { cwd: dir }),
      runCli(["migration:generate", "migrations/1st-try"], { cwd: dir }),
    ])
    expect(missing).toMatchObject({ code: 2, stdout: "" })
    expect(missing.stderr).toMatch(
      /^concrete-db migration:generate: missing argument <dir\/Name> \(see "concrete-db migration:generate --help"\)\n$/,
    )
    expect(invalid).toMatchObject({ code: 2, stdout: "" })
    expect(invalid.stderr).toMatch(
      /^concrete-db migration:generate: the migration name "1st-try" is not a class name/,
    )
  })
})

describe("concrete-db migration:show on an SQLite file that does not exist", () => {
  const dir = tempDirectory()
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("lists every migration as pending and creates no file", async () => {
    mkdirSync(join(dir, "migrations"))
    writeFileSync(
      join(dir, "migrations/1795000000000-AddThing.js"),
      'module.exports = class AddThing1795000000000 { name = "AddThing1795000000000"; async up() {} async down() {} }',
    )
    const shown = await runCli(["migration:show"], {
      cwd: dir,
      env: { DB_DRIVER: "sqlite", DB_DATABASE: "absent.db", DB_MIGRATIONS: "migrations/*.js" },
    })
    expect(shown).toMatchObject({ code: 0, stderr: "" })
    expect(shown.stdout).toBe(
      [
        `Database: sqlite:${join(dir, "absent.db")}`,
        "[ ] InitialSchema1764230400000       concrete-db",
        "[ ] AddThing1795000000000            application",
        "[ ] MessageStatusCheck1795910400000  concrete-db",
        "0 applied, 3 pending.",
        "",
      ].join("\n"),
    )
    expect(existsSync(join(dir, "absent.db"))).toBe(false)
  })
})

describeEachDatabase(
  "concrete-db migration commands",
  (db) => {
    const dir = tempDirectory()
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const env = (): Record<string, string> => ({
      ...(db().env as Record<string, string>),
      DB_ENTITIES: "models/*.ts",
      DB_MIGRATIONS: "migrations/*.{ts,js}",
    })
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env: env() })
    const secret = () => db().env.DB_PASSWORD ?? ""

    it("generate writes a TypeScript migration of the application's tables only, with nothing written to the database", async () => {
      writeEntity(dir)
      const generated = await cli("migration:generate", "migrations/AddReminder")
      expect(generated).toMatchObject({ code: 0, stderr: "" })
      expect(generated.stdout).toMatch(
        /^Wrote migrations\/\d{13}-AddReminder\.ts: \d+ statements? up, \d+ down, for reminder\.\n$/,
      )
      const [file] = readdirSync(join(dir, "migrations"))
      const source = readFileSync(join(dir, "migrations", file!), "utf8")
      expect(source).toMatch(/^import type \{ MigrationInterface, QueryRunner \} from "typeorm"\n/)
      expect(source).toMatch(/export class AddReminder\d{13} implements MigrationInterface/)
      // Names are quoted "name" or (MySQL, escaped in the template literal) \`name\`.
      const q = '(?:"|\\\\`)'
      expect(source).toMatch(new RegExp(`CREATE TABLE ${q}reminder${q}`))
      expect(source).toMatch(
        new RegExp(`REFERENCES ${q}user${q} ?\\(${q}id${q}\\) ON DELETE CASCADE`),
      )
      // The built-in schema is left alone, though the database has none of it yet.
      expect(source).not.toMatch(new RegExp(`CREATE TABLE ${q}(user|message|tool)${q}`))

      const shown = await cli("migration:show")
      expect(shown).toMatchObject({ code: 0, stderr: "" })
      expect(shown.stdout).toMatch(
        /^Database: .+\n\[ \] InitialSchema1764230400000 +concrete-db\n\[ \] MessageStatusCheck1795910400000 +concrete-db\n\[ \] AddReminder\d{13} +application\n0 applied, 3 pending\.\n$/,
      )
    })

    it("migrate applies the package's migrations and the application's, in timestamp order", async () => {
      const migrated = await cli("migrate")
      expect(migrated).toMatchObject({ code: 0, stderr: "" })
      expect(migrated.stdout).toMatch(
        /Applying InitialSchema1764230400000 … done \(\d+ ms\)\nApplying MessageStatusCheck1795910400000 … done \(\d+ ms\)\nApplying AddReminder\d{13} … done \(\d+ ms\)\nApplied 3 migrations\.\n$/,
      )
      const again = await cli("migration:generate", "migrations/Again")
      expect(again).toMatchObject({ code: 1, stdout: "" })
      expect(again.stderr).toMatch(
        /^concrete-db migration:generate: no changes: the tables of the application's entities in .+ already match them\n$/,
      )
      const shown = await cli("migration:show")
      expect(shown.stdout).toMatch(
        /\[X\] InitialSchema1764230400000 +concrete-db\n\[X\] MessageStatusCheck1795910400000 +concrete-db\n\[X\] AddReminder\d{13} +application\n3 applied, 0 pending\.\n$/,
      )
      for (const run of [migrated, again, shown]) {
        if (secret()) expect(run.stdout + run.stderr).not.toContain(secret())
      }
    })

    it("generate refuses while the application's migrations are pending, and --js writes JavaScript that migrate runs", async () => {
      writeEntity(
        dir,
        '@Column({ type: "varchar", length: 200, nullable: true })\n  note!: string | null\n',
      )
      const js = await cli("migration:generate", "migrations/AddNote", "--js")
      expect(js).toMatchObject({ code: 0, stderr: "" })
      expect(js.stdout).toMatch(/^Wrote migrations\/\d{13}-AddNote\.js: /)
      const file = readdirSync(join(dir, "migrations")).find((name) =>
        name.endsWith("-AddNote.js"),
      )!
      const source = readFileSync(join(dir, "migrations", file), "utf8")
      expect(source).toMatch(/^module\.exports = class AddNote\d{13} \{$/m)
      expect(source).toMatch(/note/)

      const refused = await cli("migration:generate", "migrations/TooEarly")
      expect(refused).toMatchObject({ code: 1, stdout: "" })
      expect(refused.stderr).toMatch(
        /^concrete-db migration:generate: the application's migrations AddNote\d{13} are not applied to .+ yet; run "concrete-db migrate" first/,
      )
      const migrated = await cli("migrate")
      expect(migrated).toMatchObject({ code: 0, stderr: "" })
      expect(migrated.stdout).toMatch(
        /Applying AddNote\d{13} … done \(\d+ ms\)\nApplied 1 migration\.\n$/,
      )
    })

    it("migration:revert undoes the application's last migration, one per run, never the package's", async () => {
      const first = await cli("migration:revert")
      expect(first).toMatchObject({ code: 0, stderr: "" })
      expect(first.stdout).toMatch(/^Database: .+\nReverting AddNote\d{13} … done \(\d+ ms\)\n$/)
      const second = await cli("migration:revert")
      expect(second.stdout).toMatch(/Reverting AddReminder\d{13} … done/)
      const third = await cli("migration:revert")
      expect(third).toMatchObject({ code: 0, stderr: "" })
      expect(third.stdout).toMatch(
        /No migration of the application is applied: nothing to revert\.\n$/,
      )
      const shown = await cli("migration:show")
      expect(shown.stdout).toMatch(
        /\[X\] InitialSchema1764230400000 +concrete-db\n\[X\] MessageStatusCheck1795910400000 +concrete-db\n\[ \] AddReminder\d{13} +application\n\[ \] AddNote\d{13} +application\n2 applied, 2 pending\.\n$/,
      )
      const status = await cli("status")
      expect(status.stdout).toMatch(/^ {2}reminder +\(no table\)$/m)
      expect(status.stdout).toMatch(/^ {2}user +0$/m)
    })
  },
  { migrate: false },
)
