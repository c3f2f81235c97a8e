/** One statement of a migration, as TypeORM's schema builder logs it. */
export interface MigrationStatement {
  readonly query: string
  readonly parameters?: readonly unknown[] | undefined
}

/** What a migration file holds. */
export interface MigrationSource {
  /** The class name: the given name and the timestamp, `AddReminder1764300000000`. */
  readonly className: string
  readonly up: readonly MigrationStatement[]
  readonly down: readonly MigrationStatement[]
}

/**
 * The text of a migration file: TypeScript (`import type … from "typeorm"`, an exported class)
 * or CommonJS JavaScript (`module.exports = class …`), each statement one `queryRunner.query`.
 *
 * @example
 * migrationFileText({ className: "AddReminder1764300000000", up, down }, "ts")
 */
export function migrationFileText(source: MigrationSource, language: "ts" | "js"): string {
  const calls = (statements: readonly MigrationStatement[]): string =>
    statements.map((statement) => `    await queryRunner.query(${literal(statement)})`).join("\n")
  const name = source.className
  const body = (signature: (method: string) => string): string[] => [
    `  ${signature("up")} {`,
    calls(source.up),
    "  }",
    "",
    `  ${signature("down")} {`,
    calls(source.down),
    "  }",
  ]
  if (language === "ts") {
    return [
      'import type { MigrationInterface, QueryRunner } from "typeorm"',
      "",
      `export class ${name} implements MigrationInterface {`,
      `  name = "${name}"`,
      "",
      ...body((method) => `public async ${method}(queryRunner: QueryRunner): Promise<void>`),
      "}",
      "",
    ].join("\n")
  }
  return [
    "/**",
    ' * @typedef {import("typeorm").MigrationInterface} MigrationInterface',
    ' * @typedef {import("typeorm").QueryRunner} QueryRunner',
    " */",
    "",
    "/** @implements {MigrationInterface} */",
    `module.exports = class ${name} {`,
    `  name = "${name}"`,
    "",
    ...body((method) => `/** @param {QueryRunner} queryRunner */\n  async ${method}(queryRunner)`),
    "}",
    "",
  ].join("\n")
}

// A template literal holding the SQL as written (backticks, backslashes and "${" escaped).
function literal(statement: MigrationStatement): string {
  const sql = statement.query.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${")
  const parameters =
    statement.parameters && statement.parameters.length > 0
      ? `, ${JSON.stringify(statement.parameters)}`
      : ""
  return `\`${sql}\`${parameters}`
}
