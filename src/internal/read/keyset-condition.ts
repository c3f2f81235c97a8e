import { FindOperator } from "typeorm"

/** Which side of the boundary row a keyset page reads. */
export type KeysetSide = "after" | "before"

/**
 * A keyset condition on two columns, placed in `where` at the first key: rows whose
 * (key, tie) pair comes after (or before) the boundary (`boundary`, `tie.value`). The session's fast
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
        const tieColumn = siblingColumn(key, tie)
        const [wide, strict] = side === "after" ? [">=", ">"] : ["<=", "<"]
        return `${key} ${wide} :keysetBoundary AND (${key} ${strict} :keysetBoundary OR (${key} = :keysetBoundary AND ${tieColumn} ${strict} :keysetTie))`
      },
      { keysetBoundary: boundary, keysetTie: tie.value },
    )
  }
}

// TypeORM hands the raw operator the path of its own property (`Message.createdAt`) and later
// replaces such paths with quoted columns; the tie is the same alias with the other property.
function siblingColumn(aliasPath: string, tie: { property: string; column: string }): string {
  if (/[`"]/.test(aliasPath)) {
    const quote = aliasPath.includes("`") ? "`" : '"'
    const dot = aliasPath.lastIndexOf(`${quote}.${quote}`)
    return `${dot < 0 ? "" : aliasPath.slice(0, dot + 2)}${quote}${tie.column}${quote}`
  }
  const dot = aliasPath.lastIndexOf(".")
  return `${dot < 0 ? "" : aliasPath.slice(0, dot + 1)}${tie.property}`
}
