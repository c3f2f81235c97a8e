import {
  Table,
  TableForeignKey,
  TableIndex,
  TableUnique,
  type QueryRunner,
  type TableColumnOptions,
} from "typeorm"
import { DriverUtils } from "typeorm/driver/DriverUtils"
import { portableColumnType, type ResumableMigration } from "../src/migration-helpers"

const SENDER_CHECK = "(user_id IS NULL) <> (operator_id IS NULL)"

/**
 * The whole concrete-db schema, written with the QueryRunner schema API so that one file runs on
 * SQLite, PostgreSQL and MySQL/MariaDB: every column type goes through the driver.
 */
export class InitialSchema1764230400000 implements ResumableMigration {
  name = "InitialSchema1764230400000"

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnsFor(queryRunner)

    await queryRunner.createTable(
      entityTable(
        "user",
        [
          c.varchar("first_name", 64, { isNullable: true }),
          c.varchar("last_name", 64, { isNullable: true }),
          c.varchar("email", 128),
          c.varchar("profile_picture_url", 2048, { isNullable: true }),
        ],
        c,
        {
          uniques: [unique("UQ_user_email", ["email"])],
        },
      ),
    )
    await queryRunner.createTable(
      entityTable("auth_state", [c.varchar("state", 128), c.varchar("destination_url", 128)], c, {
        uniques: [unique("UQ_auth_state_state", ["state"])],
      }),
    )
    await queryRunner.createTable(
      entityTable("auth_token", [c.varchar("refresh_token", 128), c.uuid("user_id")], c, {
        uniques: [unique("UQ_auth_token_user_id", ["user_id"])],
        foreignKeys: [foreignKey("auth_token", "user_id", "user", "CASCADE")],
      }),
    )
    await queryRunner.createTable(
      entityTable(
        "orchestrator",
        [c.varchar("type", 32), c.varchar("name", 32), c.uuid("user_id")],
        c,
        {
          uniques: [unique("UQ_orchestrator_user_id_name", ["user_id", "name"])],
          foreignKeys: [foreignKey("orchestrator", "user_id", "user", "CASCADE")],
        },
      ),
    )
    await queryRunner.createTable(
      entityTable(
        "operator",
        [
          c.text("instructions"),
          c.varchar("name", 64),
          c.varchar("title", 32),
          c.uuid("orchestrator_id"),
          c.varchar("profile_picture_url", 2048, { isNullable: true }),
        ],
        c,
        {
          uniques: [unique("UQ_operator_orchestrator_id_name", ["orchestrator_id", "name"])],
          foreignKeys: [foreignKey("operator", "orchestrator_id", "orchestrator", "CASCADE")],
        },
      ),
    )
    await queryRunner.createTable(
      entityTable(
        "client",
        [
          c.varchar("client", 32, { default: "'OpenAI'" }),
          c.double("temperature", { default: 0 }),
          c.varchar("model", 32, { default: "'gpt-4o-mini'" }),
          c.uuid("orchestrator_id"),
          c.uuid("operator_id"),
        ],
        c,
        {
          indices: [index("client", ["orchestrator_id"]), index("client", ["operator_id"])],
          foreignKeys: [
            foreignKey("client", "orchestrator_id", "orchestrator", "CASCADE"),
            foreignKey("client", "operator_id", "operator", "CASCADE"),
          ],
        },
      ),
    )
    await queryRunner.createTable(
      entityTable(
        "project",
        [
          c.varchar("name", 64),
          c.uuid("orchestrator_id"),
          c.uuid("executive_id", { isNullable: true }),
          c.uuid("developer_id", { isNullable: true }),
          c.uuid("direct_message_operator_id", { isNullable: true }),
        ],
        c,
        {
          uniques: [
            unique("UQ_project_orchestrator_id_name", ["orchestrator_id", "name"]),
            unique("UQ_project_direct_message_operator_id", ["direct_message_operator_id"]),
          ],
          indices: [index("project", ["executive_id"]), index("project", ["developer_id"])],
          foreignKeys: [
            foreignKey("project", "orchestrator_id", "orchestrator", "CASCADE"),
            foreignKey("project", "executive_id", "operator", "SET NULL"),
            foreignKey("project", "developer_id", "operator", "SET NULL"),
            foreignKey("project", "direct_message_operator_id", "operator", "CASCADE"),
          ],
        },
      ),
    )
    await queryRunner.createTable(entityTable("tool", [c.varchar("name", 64)], c))
    for (const owner of ["user", "orchestrator", "operator"]) {
      await queryRunner.createTable(linkTable(`${owner}_tool_link`, `${owner}_id`, owner, c))
    }
    const messageTable = entityTable(
      "message",
      [
        c.varchar("type", 64),
        c.longtext("content"),
        c.longtext("prompt", { isNullable: true }),
        c.varchar("status", 16, { default: "'init'" }),
        c.uuid("project_id"),
        c.uuid("user_id", { isNullable: true }),
        c.uuid("operator_id", { isNullable: true }),
      ],
      c,
      {
        indices: [
          index("message", ["project_id", "created_at", "id"]),
          index("message", ["user_id"]),
          index("message", ["operator_id"]),
        ],
        foreignKeys: [
          foreignKey("message", "project_id", "project", "CASCADE"),
          foreignKey("message", "user_id", "user", "CASCADE"),
          foreignKey("message", "operator_id", "operator", "CASCADE"),
        ],
        checks: c.mysqlFamily ? [] : [{ name: "CHK_message_sender", expression: SENDER_CHECK }],
      },
    )
    await queryRunner.createTable(messageTable)
    if (c.mysqlFamily)
      await addMysqlCheck(queryRunner, "message", "CHK_message_sender", SENDER_CHECK)

    await queryRunner.createTable(
      entityTable("node", [c.uuid("parent_id", { isNullable: true })], c, {
        indices: [index("node", ["parent_id"])],
        foreignKeys: [foreignKey("node", "parent_id", "node", "CASCADE")],
      }),
    )
    await queryRunner.createTable(
      entityTable(
        "repo_node",
        [
          c.varchar("org", 255),
          c.varchar("repo", 255),
          c.varchar("partition_type", 16),
          c.varchar("name", 255),
          c.longtext("summary"),
          c.longtext("children_summaries"),
          c.text("abs_path"),
          c.varchar("branch", 255),
          c.uuid("parent_id", { isNullable: true }),
        ],
        c,
        {
          indices: [
            index("repo_node", ["org"]),
            index("repo_node", ["repo"]),
            index("repo_node", ["branch"]),
            index("repo_node", ["org", "repo"]),
            index("repo_node", ["parent_id"]),
          ],
          foreignKeys: [foreignKey("repo_node", "parent_id", "repo_node", "CASCADE")],
        },
      ),
    )
    await queryRunner.createTable(
      entityTable("log", [c.varchar("level", 10), c.longtext("message")], c),
    )
    if (c.mysqlFamily) await useExactCollation(queryRunner, TABLES)
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Children before parents, so no foreign key is ever left dangling.
    for (const table of [...TABLES].reverse()) {
      await queryRunner.dropTable(table, true, true, true)
    }
  }

  /** Which of this migration's tables exist. */
  async leftovers(queryRunner: QueryRunner): Promise<string[]> {
    const present: string[] = []
    for (const table of TABLES) if (await queryRunner.hasTable(table)) present.push(table)
    return present
  }

  /** After an interrupted `up` (MySQL family): `down` drops only the tables that exist. */
  async undoInterrupted(queryRunner: QueryRunner): Promise<void> {
    await this.down(queryRunner)
  }
}

/** Every table this migration creates, parents before children. */
const TABLES = [
  "user",
  "auth_state",
  "auth_token",
  "orchestrator",
  "operator",
  "client",
  "project",
  "tool",
  "user_tool_link",
  "orchestrator_tool_link",
  "operator_tool_link",
  "message",
  "node",
  "repo_node",
  "log",
] as const

// MySQL-family defaults compare text ignoring case and trailing spaces, so "Ada@x.com" and
// "ada@x.com" would be one email there but two on PostgreSQL and SQLite. An exact (binary,
// no-pad) collation makes comparisons, unique keys and lookups behave the same everywhere.
async function useExactCollation(
  queryRunner: QueryRunner,
  tables: readonly string[],
): Promise<void> {
  const candidates = ["utf8mb4_nopad_bin", "utf8mb4_0900_bin", "utf8mb4_bin"]
  const rows = (await queryRunner.query(
    `SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (${candidates.map(() => "?").join(", ")})`,
    candidates,
  )) as Array<{ name: string }>
  const available = new Set(rows.map((row) => row.name))
  const collation = candidates.find((name) => available.has(name)) ?? "utf8mb4_bin"
  for (const table of tables) {
    await queryRunner.query(
      `ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE ${collation}`,
    )
  }
}

type Extra = Partial<TableColumnOptions>

interface Columns {
  readonly mysqlFamily: boolean
  uuid(name: string, extra?: Extra): TableColumnOptions
  varchar(name: string, length: number, extra?: Extra): TableColumnOptions
  text(name: string, extra?: Extra): TableColumnOptions
  longtext(name: string, extra?: Extra): TableColumnOptions
  double(name: string, extra?: Extra): TableColumnOptions
  timestamp(name: string, extra?: Extra): TableColumnOptions
}

function columnsFor(queryRunner: QueryRunner): Columns {
  const driver = queryRunner.connection.driver
  const type = (name: string): string => driver.normalizeType({ type: name as "varchar" })
  const uuidType = type("uuid")
  const mysqlFamily = DriverUtils.isMySQLFamily(driver)
  return {
    mysqlFamily,
    uuid: (name, extra) => ({
      name,
      type: uuidType,
      ...(mysqlFamily && uuidType === "varchar" ? { length: "36" } : {}),
      ...extra,
    }),
    varchar: (name, length, extra) => ({
      name,
      type: type("varchar"),
      length: String(length),
      ...extra,
    }),
    text: (name, extra) => ({ name, type: type("text"), ...extra }),
    longtext: (name, extra) => ({
      name,
      type: type(portableColumnType(driver, "longtext").type as string),
      ...extra,
    }),
    double: (name, extra) => ({ name, type: type("double precision"), ...extra }),
    timestamp: (name, extra) => {
      const portable = portableColumnType(driver, "timestamp")
      return {
        name,
        type: type(portable.type as string),
        ...(portable.precision === undefined ? {} : { precision: portable.precision }),
        ...extra,
      }
    },
  }
}

interface TableParts {
  uniques?: TableUnique[]
  indices?: TableIndex[]
  foreignKeys?: TableForeignKey[]
  checks?: { name: string; expression: string }[]
}

function entityTable(
  name: string,
  columns: TableColumnOptions[],
  c: Columns,
  parts: TableParts = {},
): Table {
  return new Table({
    name,
    columns: [
      { ...c.uuid("id"), isPrimary: true, primaryKeyConstraintName: `PK_${name}` },
      c.timestamp("created_at"),
      c.timestamp("updated_at"),
      ...columns,
    ],
    ...parts,
  })
}

function linkTable(name: string, ownerColumn: string, ownerTable: string, c: Columns): Table {
  const link = (column: string, references: string): TableForeignKey =>
    new TableForeignKey({
      name: `FK_${name}_${column}`,
      columnNames: [column],
      referencedTableName: references,
      referencedColumnNames: ["id"],
      onDelete: "CASCADE",
      onUpdate: "CASCADE",
    })
  return new Table({
    name,
    columns: [
      { ...c.uuid(ownerColumn), isPrimary: true, primaryKeyConstraintName: `PK_${name}` },
      { ...c.uuid("tool_id"), isPrimary: true, primaryKeyConstraintName: `PK_${name}` },
    ],
    indices: [index(name, [ownerColumn]), index(name, ["tool_id"])],
    foreignKeys: [link(ownerColumn, ownerTable), link("tool_id", "tool")],
  })
}

function unique(name: string, columnNames: string[]): TableUnique {
  return new TableUnique({ name, columnNames })
}

function index(table: string, columnNames: string[]): TableIndex {
  return new TableIndex({ name: `IDX_${table}_${columnNames.join("_")}`, columnNames })
}

function foreignKey(
  table: string,
  column: string,
  references: string,
  onDelete: "CASCADE" | "SET NULL",
): TableForeignKey {
  return new TableForeignKey({
    name: `FK_${table}_${column}`,
    columnNames: [column],
    referencedTableName: references,
    referencedColumnNames: ["id"],
    onDelete,
    onUpdate: "NO ACTION",
  })
}

// TypeORM creates no CHECK constraints on MySQL-family databases; MariaDB (10.2+) and MySQL
// (8.0.16+) enforce them, so the check is added by hand. MySQL 8 refuses a CHECK on a column with
// an ON DELETE action (error 3823); there the application-side validation is the only guard.
export async function addMysqlCheck(
  queryRunner: QueryRunner,
  table: string,
  name: string,
  expression: string,
): Promise<void> {
  try {
    await queryRunner.query(
      `ALTER TABLE \`${table}\` ADD CONSTRAINT \`${name}\` CHECK (${expression})`,
    )
  } catch (error) {
    const errno = (error as { driverError?: { errno?: number } }).driverError?.errno
    if (errno !== 3823) throw error
  }
}
