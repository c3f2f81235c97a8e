import { TableCheck, type QueryRunner } from "typeorm"
import { DriverUtils } from "typeorm/driver/DriverUtils"
import { CheckViolationError } from "../src/errors"
import type { ResumableMigration } from "../src/migration-helpers"
import { addMysqlCheck } from "./1764230400000-InitialSchema"

const NAME = "CHK_message_status"

// The statuses as this migration knows them (a later change of the list is a later migration).
const STATUSES = ["init", "ready", "working", "waiting", "finished"] as const

/** The same text the `Message` entity declares, so the schema builder sees nothing to change. */
const STATUS_CHECK = `status IN (${STATUSES.map((status) => `'${status}'`).join(", ")})`

// How many offending rows the error lists by id (it always gives the total).
const LISTED_ROWS = 20

/**
 * Lets the database refuse a message whose status is not one of the five (`init`, `ready`,
 * `working`, `waiting`, `finished`), as the original's enum column does: a CHECK constraint on
 * SQLite, PostgreSQL and MySQL/MariaDB. Existing rows are checked first: if any breaks the check,
 * the migration fails naming them (id and status) and changes nothing.
 */
export class MessageStatusCheck1795910400000 implements ResumableMigration {
  name = "MessageStatusCheck1795910400000"

  async up(queryRunner: QueryRunner): Promise<void> {
    await refuseBadRows(queryRunner)
    if (DriverUtils.isMySQLFamily(queryRunner.connection.driver)) {
      await addMysqlCheck(queryRunner, "message", NAME, STATUS_CHECK)
    } else {
      // SQLite rebuilds the table for this; `migrate` keeps foreign keys off meanwhile.
      await queryRunner.createCheckConstraint(
        "message",
        new TableCheck({ name: NAME, expression: STATUS_CHECK }),
      )
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (DriverUtils.isMySQLFamily(queryRunner.connection.driver)) {
      await queryRunner.query(`ALTER TABLE \`message\` DROP CONSTRAINT \`${NAME}\``)
    } else {
      await queryRunner.dropCheckConstraint("message", NAME)
    }
  }

  /** The check, if `message` has it (asked on MySQL-family databases only). */
  async leftovers(queryRunner: QueryRunner): Promise<string[]> {
    const rows = (await queryRunner.query(
      "SELECT CONSTRAINT_NAME AS name FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'message' AND CONSTRAINT_NAME = ?",
      [NAME],
    )) as Array<{ name: string }>
    return rows.map((row) => row.name)
  }

  /** After an interrupted `up` (MySQL family): drops the check if it was added. */
  async undoInterrupted(queryRunner: QueryRunner): Promise<void> {
    if ((await this.leftovers(queryRunner)).length > 0) await this.down(queryRunner)
  }
}

// Fails, before any change, when a stored message has a status the check would refuse.
async function refuseBadRows(queryRunner: QueryRunner): Promise<void> {
  const driver = queryRunner.connection.driver
  const table = driver.escape("message")
  const where = `${driver.escape("status")} IS NULL OR NOT (${STATUS_CHECK})`
  const counted = (await queryRunner.query(
    `SELECT COUNT(*) AS total FROM ${table} WHERE ${where}`,
  )) as Array<{ total: number | string }>
  const total = Number(counted[0]?.total ?? 0)
  if (total === 0) return
  const rows = (await queryRunner.query(
    `SELECT ${driver.escape("id")} AS id, ${driver.escape("status")} AS status FROM ${table} WHERE ${where} ORDER BY ${driver.escape("id")} LIMIT ${LISTED_ROWS}`,
  )) as Array<{ id: string; status: string | null }>
  const listed = rows
    .map((row) => `${row.id} (${row.status === null ? "null" : JSON.stringify(row.status)})`)
    .join(", ")
  const more = total > rows.length ? ` and ${total - rows.length} more` : ""
  throw new CheckViolationError(
    `${total} message row(s) have a status outside ${STATUSES.join(", ")}: ${listed}${more}. ` +
      `Set each to one of those (or delete it), then migrate again; nothing was changed.`,
    { table: "message", constraint: NAME, columns: ["status"] },
  )
}
