import type { DataSource, DataSourceOptions } from "typeorm"
import { openConnection, type Connection } from "./drivers/connection"
import { dialectOf } from "./drivers/dialect"
import { readyDataSource } from "./ready-data-source"
import { ReplicaSet, type ReplicaLease, type ReplicaSetOptions } from "./replica-set"

/** Where one read replica is; what it leaves out is the primary's. */
export interface ReplicaTarget {
  readonly host: string
  readonly port: number
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly database?: string | undefined
}

// Replicas serve only readOnly sessions, and a session that finds them busy or down reads from
// the primary: small pools, and a short wait for a replica that does not answer.
const REPLICA_POOL_SIZE = 4
const REPLICA_CONNECT_TIMEOUT_MS = 3_000

interface Replicas {
  readonly primary: DataSource
  readonly targets: readonly ReplicaTarget[]
  readonly sources: (DataSource | undefined)[]
  readonly set: ReplicaSet<Connection>
  closed: boolean
}

const registry = new WeakMap<DataSource, Replicas>()

/**
 * The read replicas of `primary`: readOnly sessions on it read from them in turn. Their data
 * sources (the primary's options pointed at each replica) are built on first use, and closed by
 * `closeReadReplicas` when the primary is destroyed.
 */
export function registerReadReplicas(
  primary: DataSource,
  targets: readonly ReplicaTarget[],
  options: Pick<ReplicaSetOptions, "retryAfterMs" | "now"> = {},
): void {
  if (targets.length === 0) return
  const sources = new Array<DataSource | undefined>(targets.length).fill(undefined)
  const replicas: Replicas = {
    primary,
    targets,
    sources,
    closed: false,
    set: new ReplicaSet(targets.length, (replica) => openOnReplica(replicas, replica), {
      ...options,
      onDown: (replica, reason) => reportDown(replicas, replica, reason),
      onBack: (replica) => reportBack(replicas, replica),
    }),
  }
  registry.set(primary, replicas)
}

/**
 * A connection on the next replica of `primary` that gives one, or undefined (no replicas, all
 * down): the caller then reads from the primary.
 */
export async function takeReplicaConnection(
  primary: DataSource,
): Promise<ReplicaLease<Connection> | undefined> {
  const replicas = registry.get(primary)
  if (!replicas || replicas.closed) return undefined
  return replicas.set.take()
}

/** Leaves a replica whose connection failed (`reason`) out for a while. */
export function markReplicaDown(primary: DataSource, replica: number, reason: unknown): void {
  registry.get(primary)?.set.markDown(replica, reason)
}

/** The data source of one replica, once built (for error messages naming it). */
export function replicaDataSource(primary: DataSource, replica: number): DataSource | undefined {
  return registry.get(primary)?.sources[replica]
}

/** Destroys the replicas' pools; readOnly sessions opened later read from the primary. */
export async function closeReadReplicas(primary: DataSource): Promise<void> {
  const replicas = registry.get(primary)
  if (!replicas) return
  replicas.closed = true
  await Promise.all(replicas.sources.map((source) => destroyQuietly(source)))
}

async function openOnReplica(replicas: Replicas, replica: number): Promise<Connection> {
  const source = (replicas.sources[replica] ??= replicaSource(
    replicas.primary,
    replicas.targets[replica]!,
  ))
  await readyDataSource(source)
  // The primary was destroyed while this replica was opening: nothing may stay open.
  if (replicas.closed) {
    await destroyQuietly(source)
    throw new Error("the data source was destroyed")
  }
  return openConnection(source, dialectOf(source), { lockTimeoutMs: 0 })
}

// One line through the primary's TypeORM logger each time a replica goes out of service and
// comes back (not per session or per read): TypeORM prints "warn" and "info" lines when the
// data source's `logging` asks for them; a custom `logger` receives them all.
function reportDown(replicas: Replicas, replica: number, reason: unknown): void {
  if (replicas.closed) return
  const target = replicas.targets[replica]!
  const why = masked(target, replicas.primary, failureReason(reason))
  const seconds = replicas.set.retryAfterMs / 1_000
  replicas.primary.logger.log(
    "warn",
    `concrete-db: read replica ${target.host}:${target.port} failed (${why}) and is left out for ${seconds} s at a time until it answers again; readOnly sessions read from the other replicas or the primary meanwhile.`,
  )
}

function reportBack(replicas: Replicas, replica: number): void {
  if (replicas.closed) return
  const target = replicas.targets[replica]!
  replicas.primary.logger.log(
    "info",
    `concrete-db: read replica ${target.host}:${target.port} answers again; readOnly sessions read from it again.`,
  )
}

/**
 * Why a replica failed, in one line: the error's message, or (Node's AggregateError for a host
 * that refused on every address has none) its first inner error's message, or its code.
 */
export function failureReason(reason: unknown): string {
  const error = reason as { message?: unknown; code?: unknown; errors?: unknown[] } | null
  const inner = error?.errors?.[0] as { message?: unknown } | undefined
  const message = [error?.message, inner?.message, error?.code].find(
    (text): text is string => typeof text === "string" && text !== "",
  )
  return (message ?? String(reason)).split("\n")[0]!.replace(/\.$/, "")
}

// A driver's message does not carry the password; should one ever, it is cut out here.
function masked(target: ReplicaTarget, primary: DataSource, text: string): string {
  const password = target.password ?? (primary.options as { password?: unknown }).password
  return typeof password === "string" && password !== "" ? text.split(password).join("***") : text
}

function replicaSource(primary: DataSource, target: ReplicaTarget): DataSource {
  const base = primary.options as DataSourceOptions & { type: "postgres" }
  const options: DataSourceOptions = {
    ...base,
    host: target.host,
    port: target.port,
    username: target.username ?? base.username,
    password: target.password ?? base.password,
    database: target.database ?? base.database,
    poolSize: Math.min(base.poolSize ?? REPLICA_POOL_SIZE, REPLICA_POOL_SIZE),
    connectTimeoutMS: Math.min(
      base.connectTimeoutMS ?? REPLICA_CONNECT_TIMEOUT_MS,
      REPLICA_CONNECT_TIMEOUT_MS,
    ),
    // A hot standby refuses CREATE EXTENSION, and migrations are the primary's business.
    installExtensions: false,
    migrationsRun: false,
    synchronize: false,
    dropSchema: false,
  }
  // The primary's own class, so the replica reports unknown entities the same way.
  const Source = primary.constructor as new (options: DataSourceOptions) => DataSource
  return new Source(options)
}

async function destroyQuietly(source: DataSource | undefined): Promise<void> {
  if (!source?.isInitialized) return
  await source.destroy().catch(() => undefined)
}
