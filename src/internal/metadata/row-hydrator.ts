import { writeColumn, type ColumnPlan } from "./column-plan"

/**
 * Copies a row (values in column order, as read) onto an entity instance, leaving in the row
 * what the entity's snapshot keeps of each value (see `ColumnPlan.fromRow`).
 */
export type RowAssigner = (entity: object, row: unknown[]) => void

/**
 * The assigner of an entity's columns, compiled once per plan: one property store per column in
 * a fixed order, a conversion called only where the column has one. A loop over the column plans
 * instead stores through a property name that changes every step, a lookup V8 cannot cache, and
 * calls a conversion for every value: on a page of 100 messages that was most of the hydration.
 * The generated text holds nothing but column indexes and property names (as JSON string
 * literals); the conversions are passed in, not written out.
 */
export function compileRowAssigner(columns: readonly ColumnPlan[]): RowAssigner {
  const statements: string[] = []
  const conversions: Array<(value: unknown) => unknown> = []
  const takes: Array<NonNullable<ColumnPlan["fromRow"]>> = []
  const embedded: ColumnPlan[] = []
  for (const column of columns) {
    const value = `row[${column.index}]`
    if (column.property !== undefined) {
      const converted = column.fromRow
        ? `t${takes.push(column.fromRow) - 1}(row, ${column.index})`
        : column.readsAsIs
          ? value
          : `c${conversions.push(column.fromDatabase) - 1}(${value})`
      statements.push(`entity[${JSON.stringify(column.property)}] = ${converted};`)
    } else if (column.embedded) {
      // A column of an embedded object: written by path, creating the object as TypeORM does.
      const converted = `c${conversions.push(column.fromDatabase) - 1}(${value})`
      statements.push(`write(entity, e${embedded.push(column) - 1}, ${converted});`)
    }
  }
  const bindings = [
    ...conversions.map((_, i) => `const c${i} = conversions[${i}];`),
    ...takes.map((_, i) => `const t${i} = takes[${i}];`),
    ...embedded.map((_, i) => `const e${i} = embedded[${i}];`),
  ]
  const source = `"use strict";\n${bindings.join("\n")}\nreturn function assignRow(entity, row) {\n${statements.join("\n")}\n};`
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the plan, see above
  const build = new Function("conversions", "takes", "embedded", "write", source) as (
    conversions: Array<(value: unknown) => unknown>,
    takes: Array<NonNullable<ColumnPlan["fromRow"]>>,
    embedded: ColumnPlan[],
    write: typeof writeColumn,
  ) => RowAssigner
  return build(conversions, takes, embedded, writeColumn)
}
