import type { ColumnPlan } from "./entity-plan"
import { parseSqliteDateTime, sqliteDateTime } from "./sqlite-dates"

/**
 * Writes one entity's values into a statement's parameters (from `offset`) and its snapshot,
 * and returns how many characters of text it wrote (to keep statements under a size budget).
 */
export type RowWriter = (
  entity: object,
  params: unknown[],
  offset: number,
  snapshot: unknown[],
) => number

/** A new entity instance from a row in select-list order, without running its constructor. */
export type Hydrator = (row: readonly unknown[]) => object

/*
 * Why generated code: reading and converting ten columns through ten different closures is a
 * megamorphic call per value; one function per entity with the property names and conversions
 * written out lets V8 inline all of it and keep one object shape. Only names from entity
 * metadata are written into the source, each through JSON.stringify.
 */

const UPPER_CASE = /[A-Z]/

const helpers = { UPPER_CASE, sqliteDateTime, parseSqliteDateTime }

function property(name: string): string {
  return `[${JSON.stringify(name)}]`
}

// The expression of a column's value as the entity holds it (see readColumn).
function readExpression(column: ColumnPlan, i: number): string {
  const own = column.property === undefined ? "undefined" : `e${property(column.property)}`
  if (!column.relation || !column.referencedProperty) return own
  const related = `e${property(column.relation.propertyName)}`
  const id = `${related}${property(column.referencedProperty)}`
  const orNull = column.property === undefined ? `r${i} === null ? null : ` : ""
  return `((r${i} = ${related}) !== undefined && r${i} !== null && typeof r${i} === "object" && ${id} !== undefined ? ${id} : ${orNull}${own})`
}

/** A RowWriter for these columns of a plan, in this order. */
export function compileRowWriter(columns: readonly ColumnPlan[]): RowWriter {
  const lines: string[] = ["let v, bytes = 0"]
  columns.forEach((column, i) => {
    if (column.relation) lines.push(`let r${i}`)
  })
  columns.forEach((column, i) => {
    lines.push(`v = ${readExpression(column, i)}`)
    switch (column.kind) {
      case "uuid":
        lines.push(
          `v = typeof v === "string" ? (h.UPPER_CASE.test(v) ? v.toLowerCase() : v) : v === undefined ? null : v`,
        )
        break
      case "plain":
      case "serverDate":
        lines.push("if (v === undefined) v = null")
        break
      case "sqliteDate":
        lines.push("v = v instanceof Date ? h.sqliteDateTime(v) : v === undefined ? null : v")
        break
      default:
        lines.push(`v = c[${i}].toDatabase(v)`)
    }
    lines.push(`p[o + ${i}] = v`)
    lines.push(
      column.kind === "serverDate"
        ? `s[${column.index}] = v instanceof Date ? v.getTime() : v`
        : `s[${column.index}] = v`,
    )
    lines.push(`if (typeof v === "string") bytes += v.length`)
  })
  lines.push("return bytes")
  const source = `return function writeRow(e, p, o, s) {\n  ${lines.join("\n  ")}\n}`
  return new Function("c", "h", source)(columns, helpers) as RowWriter
}

/** A Hydrator for a plan's columns (select-list order is column order). */
export function compileHydrator(prototype: object, columns: readonly ColumnPlan[]): Hydrator {
  const lines = ["const e = Object.create(proto)", "let x"]
  columns.forEach((column, i) => {
    if (column.property === undefined) return
    const target = `e${property(column.property)}`
    switch (column.kind) {
      case "uuid":
      case "plain":
        lines.push(`${target} = row[${i}]`)
        break
      case "sqliteDate":
        lines.push(
          `x = row[${i}]`,
          `${target} = typeof x === "string" ? h.parseSqliteDateTime(x) : x`,
        )
        break
      case "serverDate":
        // A copy: the row's Date stays the snapshot, and a Date can be changed in place.
        lines.push(
          `x = row[${i}]`,
          `${target} = x instanceof Date ? new Date(x.getTime()) : x === null ? null : c[${i}].fromDatabase(x)`,
        )
        break
      default:
        lines.push(`${target} = c[${i}].fromDatabase(row[${i}])`)
    }
  })
  lines.push("return e")
  const source = `return function hydrate(row) {\n  ${lines.join("\n  ")}\n}`
  return new Function("c", "h", "proto", source)(columns, helpers, prototype) as Hydrator
}
