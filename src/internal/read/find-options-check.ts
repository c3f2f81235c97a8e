import type { DataSource, EntityMetadata, EntityTarget } from "typeorm"
import { ValidationError, type ValidationIssue } from "../../errors"

// A find whose options name nothing the entity has, or page with impossible numbers, is a usage
// error: it is refused here, before anything is sent, so a database never sees it (each would
// answer differently, and a refused statement would fail the session's transaction). Options
// the session's fast path does not compile but TypeORM understands (operators, `select`,
// nested where on relations) pass unchanged.

const DIRECTIONS = new Set(["ASC", "DESC", "asc", "desc", 1, -1])
const NULLS = new Set(["first", "last", "FIRST", "LAST", "NULLS FIRST", "NULLS LAST"])

/**
 * The metadata of `target`, once `options` were found usable for a find on it.
 *
 * @throws ValidationError naming each bad option (`Entity.where.property`, `Entity.take`, …).
 */
export function checkedFindMetadata(
  dataSource: DataSource,
  target: EntityTarget<object>,
  options: unknown,
): EntityMetadata {
  const metadata = dataSource.getMetadata(target)
  checkFindOptions(metadata, options)
  return metadata
}

/** @throws ValidationError when find options name unknown properties or impossible pages. */
export function checkFindOptions(metadata: EntityMetadata, options: unknown): void {
  if (options === undefined || options === null) return
  const issues: ValidationIssue[] = []
  const name = metadata.name
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new ValidationError([
      { property: `${name} find options`, reasons: ["must be an object"] },
    ])
  }
  const opts = options as Record<string, unknown>
  if (opts.where !== undefined && opts.where !== null) {
    const wheres = Array.isArray(opts.where) ? (opts.where as unknown[]) : [opts.where]
    for (const where of wheres) checkWhere(metadata, where, `${name}.where`, issues)
  }
  if (opts.order !== undefined && opts.order !== null) {
    checkOrder(metadata, opts.order, `${name}.order`, issues)
  }
  for (const key of ["skip", "take"] as const) {
    const value = opts[key]
    if (value === undefined || value === null) continue
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      issues.push({
        property: `${name}.${key}`,
        reasons: [`must be a whole number from 0 up, not ${describe(value)}`],
      })
    }
  }
  if (issues.length > 0) throw new ValidationError(issues)
}

function checkWhere(
  metadata: EntityMetadata,
  where: unknown,
  path: string,
  issues: ValidationIssue[],
): void {
  if (!isRecord(where)) {
    issues.push({
      property: path,
      reasons: [`must be an object of properties, not ${describe(where)}`],
    })
    return
  }
  for (const [property, value] of Object.entries(where)) {
    if (value === undefined) continue
    const found = lookup(metadata, property)
    if (!found) issues.push(unknownProperty(metadata, path, property))
    else if (found.relation && isRecord(value) && !isOperator(value)) {
      checkWhere(found.relation, value, `${path}.${property}`, issues)
    }
  }
}

function checkOrder(
  metadata: EntityMetadata,
  order: unknown,
  path: string,
  issues: ValidationIssue[],
): void {
  if (!isRecord(order)) {
    issues.push({
      property: path,
      reasons: [`must be an object of properties, not ${describe(order)}`],
    })
    return
  }
  for (const [property, direction] of Object.entries(order)) {
    if (direction === undefined) continue
    const found = lookup(metadata, property)
    if (!found) {
      issues.push(unknownProperty(metadata, path, property))
    } else if (found.relation && isRecord(direction)) {
      checkOrder(found.relation, direction, `${path}.${property}`, issues)
    } else if (!found.embedded && !isDirection(direction)) {
      issues.push({
        property: `${path}.${property}`,
        reasons: [`must be "ASC", "DESC", 1 or -1, not ${describe(direction)}`],
      })
    }
  }
}

interface Found {
  /** The related entity's metadata when the property is a relation. */
  readonly relation?: EntityMetadata
  readonly embedded?: boolean
}

function lookup(metadata: EntityMetadata, property: string): Found | undefined {
  const relation = metadata.relations.find((candidate) => candidate.propertyName === property)
  if (relation) return { relation: relation.inverseEntityMetadata }
  if (metadata.embeddeds.some((embedded) => embedded.propertyName === property)) {
    return { embedded: true }
  }
  const column = metadata.columns.find(
    (candidate) => candidate.propertyName === property && !candidate.embeddedMetadata,
  )
  return column ? {} : undefined
}

function unknownProperty(
  metadata: EntityMetadata,
  path: string,
  property: string,
): ValidationIssue {
  return {
    property: `${path}.${property}`,
    reasons: [`is not a column or relation of ${metadata.name}`],
  }
}

function isDirection(direction: unknown): boolean {
  if (DIRECTIONS.has(direction as string | number)) return true
  if (!isRecord(direction)) return false
  const { direction: inner, nulls, ...rest } = direction
  return (
    Object.keys(rest).length === 0 &&
    (inner === undefined || DIRECTIONS.has(inner as string | number)) &&
    (nulls === undefined || NULLS.has(nulls as string))
  )
}

// TypeORM's FindOperator (In, Not, IsNull, …), and Date/Buffer values, are values, not nesting.
function isOperator(value: Record<string, unknown>): boolean {
  return (
    value instanceof Date ||
    Buffer.isBuffer(value) ||
    (value as { "@instanceof"?: unknown })["@instanceof"] !== undefined
  )
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  return typeof value === "object" ? "an object" : typeof value
}
