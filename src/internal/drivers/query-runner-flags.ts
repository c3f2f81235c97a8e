import type { QueryRunner } from "typeorm"

// TypeORM keeps these on the query runner; `transactionDepth` is protected, so it is reached
// through this view. With both set, `manager.save()` inside the session joins the transaction
// and `manager.transaction()` nests with a savepoint instead of starting a second one.
interface TransactionFlags {
  isTransactionActive: boolean
  transactionDepth: number
}

/**
 * Marks TypeORM's query runner as inside (or outside) a transaction opened by hand. The only
 * code that writes these flags, so they cannot drift apart.
 */
export function markTransaction(queryRunner: QueryRunner, active: boolean): void {
  const flags = queryRunner as unknown as TransactionFlags
  flags.isTransactionActive = active
  flags.transactionDepth = active ? 1 : 0
}
