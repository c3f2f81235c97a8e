import { AsyncLocalStorage } from "node:async_hooks"
import type { DataSource } from "typeorm"
import { SessionStateError } from "../errors"
import type { Connection } from "./drivers/connection"

// On SQLite a session holds the data source's only connection from its first statement until
// commit, rollback or close. A second session used inside the first (before the first lets go)
// would wait for a lock that only its own caller can release: it is refused at once instead.
// The scope of a session is the callback of `withSession`/`withTransaction` (`ownChain`): a
// session created there sees the sessions of the enclosing scopes; when it takes the connection
// it looks at those that already held one when it was created. A bare `new Session()` opens no
// scope: marking the caller's own async context (enterWith) would also mark independent work the
// caller starts later (a worker pool), whose sessions must wait for the connection, not fail.
// A bare nested session therefore waits, keeping the process alive, and times out with a
// ConnectionError (its lockTimeoutMs).

/** What a session of the chain holds: its data source and connection (while it holds one). */
export interface ChainMember {
  readonly dataSource: DataSource | undefined
  readonly current: Connection | undefined
  /** Whether its connection is the data source's only one (SQLite), so others wait for it. */
  readonly exclusive: boolean
}

/** A member of the chain and the connection it held when a later session joined. */
export interface Holding {
  readonly member: ChainMember
  readonly connection: Connection
}

const chain = new AsyncLocalStorage<readonly ChainMember[]>()

const NONE: readonly Holding[] = []
const NONE_MEMBERS: readonly ChainMember[] = []

// Set while `ownChain` creates its session: only then does the new session join the chain.
let creatingScope = false

/**
 * Returns what the sessions of the enclosing scopes hold right now (the outer sessions of
 * `member`); inside `ownChain`, `member` also joins the chain of the scope being created.
 */
export function joinChain(member: ChainMember): readonly Holding[] {
  const members = chain.getStore()
  // A session outside any scope (the common `new Session()`): nothing to look at or keep.
  if (!creatingScope && (members === undefined || members.length === 0)) return NONE
  const outer: Holding[] = []
  const kept: ChainMember[] = []
  for (const candidate of members ?? NONE_MEMBERS) {
    const connection = candidate.current
    if (!connection) continue
    // Only members that hold a connection stay: the store never grows with finished sessions.
    kept.push(candidate)
    if (candidate.exclusive) outer.push({ member: candidate, connection })
  }
  if (creatingScope) {
    kept.push(member)
    // Inside `chain.run` of ownChain: this changes that run's context only, never the caller's.
    chain.enterWith(kept)
  }
  return outer
}

/**
 * Creates a session (`create`) in a chain of its own, so the caller's chain does not change, and
 * gives a runner for code that works inside that session (withSession, withTransaction).
 */
export function ownChain<T>(create: () => T): {
  readonly value: T
  readonly run: <R>(fn: () => R) => R
} {
  // A copy: `run` with the very store that is current would not restore it afterwards.
  return chain.run([...(chain.getStore() ?? [])], () => {
    creatingScope = true
    let value: T
    try {
      value = create()
    } finally {
      creatingScope = false
    }
    const members = chain.getStore() ?? []
    return { value, run: (fn) => chain.run([...members], fn) }
  })
}

/**
 * @throws SessionStateError when a session of the chain that created this one still holds the
 * only connection of `dataSource` it held then.
 */
export function refuseNested(outer: readonly Holding[], dataSource: DataSource): void {
  for (const { member, connection } of outer) {
    if (member.current !== connection || member.dataSource !== dataSource) continue
    throw new SessionStateError(
      "A second session was used inside a first one that holds the SQLite connection; it would wait for that session forever. Use the outer session (pass it down), or commit or close it before opening another.",
    )
  }
}
