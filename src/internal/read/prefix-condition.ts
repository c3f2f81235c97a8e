import { FindOperator } from "typeorm"

// `!` escapes LIKE's wildcards: it needs no escaping itself in a string literal of any of the
// databases, unlike a backslash.
const ESCAPED = /[!%_]/g

/** The LIKE pattern of the values that start with `prefix` (used with `ESCAPE '!'`). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(ESCAPED, (c) => `!${c}`)}%`
}

/**
 * A `where` condition on a text column: values that start with `prefix`, as the database's LIKE
 * compares them (SQLite ignores the case of ASCII letters). The session's fast path compiles it
 * to `column LIKE ? ESCAPE '!'`, one cached statement; as a TypeORM `Raw` operator it means the
 * same when a find goes through TypeORM's own find.
 */
export class PrefixCondition extends FindOperator<string> {
  constructor(readonly pattern: string) {
    super(
      "raw",
      [] as unknown as string,
      true,
      true,
      (key) => `${key} LIKE :prefixPattern ESCAPE '!'`,
      { prefixPattern: pattern },
    )
  }

  /** The condition "starts with `prefix`". */
  static startsWith(prefix: string): PrefixCondition {
    return new PrefixCondition(prefixPattern(prefix))
  }
}
