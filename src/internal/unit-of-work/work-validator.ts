import type { DataSource } from "typeorm"
import { ValidationError, type ValidationIssue } from "../../errors"
import { packetLimitOf } from "../drivers/mysql/mysql-packet-limit"
import { readColumn, type ColumnPlan } from "../metadata/column-plan"
import type { EntityPlan } from "../metadata/entity-plan"
import { shapeAnchor } from "../shape-anchor"
import type { ChangeSet, Work } from "./work"

// Room in one packet for the statement's other parts (its header, other small values).
const PACKET_MARGIN = 64 * 1024
// Reasons kept per property when many rows break the same rule.
const MAX_REASONS = 3

/**
 * Refuses a flush, before anything is sent, when a value cannot be stored exactly on every
 * database (see `value-check.ts`) or, on MySQL/MariaDB, when a row's text cannot fit the
 * server's `max_allowed_packet`: one `ValidationError` naming each `Entity.property`. Nothing
 * has begun, so the session stays usable. Returns the work it was given.
 */
export function validateWork(work: Work, dataSource: DataSource): Work {
  const validator = new WorkValidator(dataSource)
  for (const { plan, entities } of work.inserts) {
    for (const entity of entities) validator.insert(plan, entity)
  }
  for (const change of work.updates) validator.update(change)
  validator.finish()
  return work
}

const anchor = shapeAnchor()

/**
 * `validateWork` a row at a time, so that a large flush checks its rows in slices while it
 * computes them: `insert` and `update` note what is wrong, `finish` refuses the flush.
 */
export class WorkValidator {
  private readonly packetLimit: number | undefined
  private issues: Map<string, string[]> | undefined = undefined

  constructor(dataSource: DataSource) {
    this.packetLimit = packetLimitOf(dataSource)
    anchor(dataSource, this)
  }

  /** Checks a new entity's row (its values as `prepareInsert` left them). */
  insert(plan: EntityPlan, entity: object): void {
    const checked = plan.checked
    const packetLimit = this.packetLimit
    if (checked.length === 0 && packetLimit === undefined) return
    for (const column of checked) {
      const reason = column.check!(readColumn(entity, column))
      if (reason !== undefined) this.report(plan, column, reason)
    }
    if (packetLimit !== undefined && !fitsAtAnyWidth(plan, entity, packetLimit)) {
      const values = plan.columns.map((column) => readColumn(entity, column))
      checkRowSize(plan, plan.columns, values, packetLimit, this.report)
    }
  }

  /** Checks the changed values of a tracked entity. */
  update({ plan, columns, values }: ChangeSet): void {
    for (let i = 0; i < columns.length; i += 1) {
      const column = columns[i]!
      const reason = column.check?.(values[i])
      if (reason !== undefined) this.report(plan, column, reason)
    }
    if (this.packetLimit !== undefined) {
      checkRowSize(plan, columns, values, this.packetLimit, this.report)
    }
  }

  /** Throws the ValidationError of every issue noted, if there is one. */
  finish(): void {
    if (!this.issues) return
    const list: ValidationIssue[] = [...this.issues].map(([property, reasons]) => ({
      property,
      reasons,
    }))
    throw new ValidationError(list)
  }

  private readonly report = (plan: EntityPlan, column: ColumnPlan, reason: string): void => {
    const property = `${plan.metadata.name}.${column.column.propertyPath}`
    const reasons = (this.issues ??= new Map<string, string[]>()).get(property)
    if (!reasons) this.issues.set(property, [reason])
    else if (reasons.length < MAX_REASONS && !reasons.includes(reason)) reasons.push(reason)
  }
}

// Whether a new row's text fits the packet even at 3 bytes per UTF-16 code unit: the common
// case, answered without an array of the row's values (a large flush checks every row).
function fitsAtAnyWidth(plan: EntityPlan, entity: object, packetLimit: number): boolean {
  let units = 0
  for (const column of plan.columns) {
    const value = readColumn(entity, column)
    if (typeof value === "string") units += value.length
  }
  return units * 3 <= packetLimit - PACKET_MARGIN
}

// A row's text goes in one statement: its UTF-8 bytes must fit the server's packet.
function checkRowSize(
  plan: EntityPlan,
  columns: readonly ColumnPlan[],
  values: readonly unknown[],
  packetLimit: number,
  report: (plan: EntityPlan, column: ColumnPlan, reason: string) => void,
): void {
  const budget = packetLimit - PACKET_MARGIN
  let units = 0
  for (const value of values) if (typeof value === "string") units += value.length
  // A UTF-16 code unit is at most 3 bytes in UTF-8.
  if (units * 3 <= budget) return
  let bytes = 0
  let largest = -1
  let largestBytes = 0
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i]
    if (typeof value !== "string") continue
    const size = Buffer.byteLength(value, "utf8")
    bytes += size
    if (size > largestBytes) [largest, largestBytes] = [i, size]
  }
  if (bytes <= budget) return
  report(
    plan,
    columns[largest]!,
    `must be at most ${budget - (bytes - largestBytes)} bytes in UTF-8 on this database (got ${largestBytes} bytes; the row's text is ${bytes} bytes and the server's max_allowed_packet is ${packetLimit})`,
  )
}
