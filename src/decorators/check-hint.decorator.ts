import { registerCheckHint } from "../internal/errors/check-hints"

/**
 * Says in words how to satisfy a CHECK constraint of the entity: the `CheckViolationError` of a
 * violation of `constraint` ends with `hint` instead of a generic "fix the values it checks".
 * Constraint names are global, as on the database.
 *
 * @example
 * @Entity()
 * @Check("CHK_order_total", "total >= 0")
 * @CheckHint("CHK_order_total", "an order's total cannot be negative")
 * class Order extends MetadataEntity {
 *   @Column() total!: number
 * }
 */
export function CheckHint(constraint: string, hint: string): ClassDecorator {
  return () => {
    registerCheckHint(constraint, hint)
  }
}
