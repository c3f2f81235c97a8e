import { FindOperator } from "typeorm"

/** Which side of the boundary row a keyset page reads. */
export type KeysetSide = "after" | "before"

/**
 * A keyset condition on two columns, placed in `where` at the first key: rows whose
 * (key, tie) pair comes after (or before) the boundary (`value`, `tieValue`). The session's fast
 * path compiles it to `key >= ? AND (key > ? OR (key = ? AND tie > ?))`, a range the database
 * reads from an index on (…, key, tie); as a TypeORM `Raw` operator it means the same when a
 * find goes through TypeORM's own find.
 */
export class KeysetCondition<T = unknown> extends FindOperator<T> {
  constructor(
    readonly side: KeysetSide,
    readonly boundary: T,
    readonly tie: { readonly property: string; readonly column: string; readonly value: unknown },
  ) {
    super(
      "raw",
      [] as unknown as T,
      true,
      true,
      (key) => {
        const tieColumn = siblingColumn(key, tie.column)
        const [wide, strict] = side === "after" ? [">=", ">"] : ["<=", "<"]
        return `${key} ${wide} :keysetBoundary AND (${key} ${strict} :keysetBoundary OR (${key} = :keysetBoundary AND ${tieColumn} ${strict} :keysetTie))`
      },
      { keysetBoundary: boundary, keysetTie: tie.value },
    )
  }
}

// TypeORM hands the raw operator the aliased path of its own column (`"Message"."created_at"`);
// the tie column is the same alias with the other column's name, quoted the same way.
function siblingColumn(aliasPath: string, column: string): string {
  const quote = aliasPath.endsWith("`") ? "`" : '"'
  const dot = aliasPath.lastIndexOf(`${quote}.${quote}`)
  const alias = dot < 0 ? "" : aliasPath.slice(0, dot + 2)
  return `${alias}${quote}${column}${quote}`
}
