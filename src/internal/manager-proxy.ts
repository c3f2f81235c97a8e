import type { EntityManager } from "typeorm"
import { SessionStateError } from "../errors"
import { MANAGER_WRITES, refuseManagerWrite } from "./read-only-guard"

// EntityManager methods that talk to the database: through `session.manager` they first flush
// the session and run inside its transaction.
const ASYNC_MANAGER_METHODS: ReadonlySet<string> = new Set([
  ...MANAGER_WRITES,
  "query",
  "exists",
  "existsBy",
  "count",
  "countBy",
  "sum",
  "average",
  "minimum",
  "maximum",
  "find",
  "findBy",
  "findAndCount",
  "findAndCountBy",
  "findOne",
  "findOneBy",
  "findOneOrFail",
  "findOneByOrFail",
  "preload",
  "transaction",
])

/** What the manager proxy needs of its session. */
export interface ManagerHost {
  /** Runs a database call of the manager in the session's transaction, after a flush. */
  call(run: (manager: EntityManager) => Promise<unknown>): Promise<unknown>
  /** The manager of the open transaction, if there is one. */
  openManager(): EntityManager | undefined
  /** A readOnly session: calls that write are refused before anything is sent. */
  readonly readOnly?: boolean
}

/**
 * An EntityManager that stands for the session's transaction: database calls go through the
 * session (flushed first, inside its transaction); anything else needs the transaction open.
 */
export function managerProxy(host: ManagerHost): EntityManager {
  return new Proxy({} as EntityManager, {
    get: (_target, property) => {
      if (typeof property === "string" && ASYNC_MANAGER_METHODS.has(property)) {
        return (...args: unknown[]) => {
          const refused = host.readOnly ? refuseManagerWrite(property, args) : undefined
          if (refused) return Promise.reject(refused)
          return host.call((manager) => {
            const method = (manager as unknown as Record<string, (...a: unknown[]) => unknown>)[
              property
            ]!
            return method.apply(manager, args) as Promise<unknown>
          })
        }
      }
      const manager = host.openManager()
      if (!manager) {
        throw new SessionStateError(
          `session.manager.${String(property)} needs an open transaction; call await session.begin() first.`,
        )
      }
      const value = (manager as unknown as Record<PropertyKey, unknown>)[property]
      return typeof value === "function"
        ? (value as (...args: unknown[]) => unknown).bind(manager)
        : value
    },
  })
}
