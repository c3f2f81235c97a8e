import { readColumn, type ColumnPlan } from "./column-plan"

/**
 * Writes an entity's values of a list of columns, as the database takes them, into a statement's
 * parameters from `offset` on and into the entity's snapshot (by column index, what a snapshot
 * keeps of each). Returns the length of the text values, for the statement's size budget.
 */
export type RowWriter = (
  entity: object,
  params: unknown[],
  offset: number,
  snapshot: unknown[],
) => number

/**
 * The writer of an INSERT's row, compiled once per plan and column list: each value is read
 * through its property's name in the text (a JSON string literal), as `compileRowAssigner` does,
 * where a loop over the column plans reads through a name that changes every step, a lookup V8
 * cannot cache. A join column reads its related object first, as `readColumn` does; a column
 * without a property of its own (embedded, say) goes through `readColumn`. Conversions are
 * passed in, not written out.
 */
export function compileRowWriter(columns: readonly ColumnPlan[]): RowWriter {
  const statements: string[] = []
  const name = (property: string): string => JSON.stringify(property)
  columns.forEach((column, i) => {
    const { property, relation, referencedProperty } = column
    if (relation && referencedProperty) {
      const fallback =
        property === undefined
          ? `related === null ? null : read(entity, columns[${i}])`
          : `entity[${name(property)}]`
      statements.push(
        `{ const related = entity[${name(relation.propertyName)}]; let id;`,
        `if (related !== undefined && related !== null && typeof related === "object") id = related[${name(referencedProperty)}];`,
        `value = c${i}(id !== undefined ? id : ${fallback}); }`,
      )
    } else if (property !== undefined) {
      statements.push(`value = c${i}(entity[${name(property)}]);`)
    } else {
      statements.push(`value = c${i}(read(entity, columns[${i}]));`)
    }
    statements.push(
      `snapshot[${column.index}] = k${i}(value);`,
      `if (typeof value === "string") text += value.length;`,
      `params[offset + ${i}] = value;`,
    )
  })
  const bindings = columns.map(
    (_, i) => `const c${i} = columns[${i}].toDatabase; const k${i} = columns[${i}].keep;`,
  )
  const source = `"use strict";\n${bindings.join("\n")}\nreturn function writeRow(entity, params, offset, snapshot) {\nlet text = 0;\nlet value;\n${statements.join("\n")}\nreturn text;\n};`
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the plan, see above
  const build = new Function("columns", "read", source) as (
    columns: readonly ColumnPlan[],
    read: typeof readColumn,
  ) => RowWriter
  return build(columns, readColumn)
}
