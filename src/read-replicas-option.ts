import type { DataSourceOptions } from "typeorm"
import { ConfigurationError } from "./errors"
import type { ReplicaTarget } from "./internal/replica-pools"
import type { Env } from "./data-source-options"

export type { ReplicaTarget } from "./internal/replica-pools"

const DEFAULT_POSTGRES_PORT = 5432
// host, [ipv6] or host:port, [ipv6]:port; nothing else (no user, no path).
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[^\s:/@[\]]+)(?::([^:@/]*))?$/i

/**
 * The read replicas `DB_READ_REPLICAS` lists: comma-separated `host:port` entries (the primary's
 * user, password and database) or `postgresql://user:password@host:port/database` URLs (a part a
 * URL leaves out is the primary's). Empty or unset: none. PostgreSQL only.
 *
 * @throws ConfigurationError naming each bad entry (its password masked), or saying that
 * replicas need PostgreSQL when the primary is another database.
 *
 * @example
 * readReplicasFromEnv({ DB_READ_REPLICAS: "replica-1:5432,replica-2:5432" }, primaryOptions)
 * // [{ host: "replica-1", port: 5432, username: "app", password: "…", database: "app" }, …]
 */
export function readReplicasFromEnv(env: Env, primary: DataSourceOptions): ReplicaTarget[] {
  const raw = env.DB_READ_REPLICAS?.trim()
  if (!raw) return []
  if (primary.type !== "postgres") {
    throw new ConfigurationError([
      `DB_READ_REPLICAS is set, but read replicas are PostgreSQL-only and the database is ${primary.type}; unset DB_READ_REPLICAS`,
    ])
  }
  const problems: string[] = []
  const targets: ReplicaTarget[] = []
  raw.split(",").forEach((part, index) => {
    const entry = part.trim()
    const target = entry.includes("://")
      ? fromUrl(entry, primary, problems)
      : fromHostPort(entry, index, primary, problems)
    if (target) targets.push(target)
  })
  if (problems.length > 0) throw new ConfigurationError(problems)
  return targets
}

function fromHostPort(
  entry: string,
  index: number,
  primary: DataSourceOptions & { type: "postgres" },
  problems: string[],
): ReplicaTarget | undefined {
  if (entry === "") {
    problems.push(`DB_READ_REPLICAS has an empty entry (number ${index + 1}); remove the comma`)
    return undefined
  }
  const match = HOST_PORT.exec(entry)
  if (!match) {
    problems.push(
      `DB_READ_REPLICAS entry "${masked(entry)}" is neither host:port nor a postgresql:// URL`,
    )
    return undefined
  }
  const port = parsePort(match[2], entry, problems)
  if (port === undefined) return undefined
  return { ...sameAsPrimary(primary), host: unbracket(match[1]!), port }
}

function fromUrl(
  entry: string,
  primary: DataSourceOptions & { type: "postgres" },
  problems: string[],
): ReplicaTarget | undefined {
  const scheme = entry.slice(0, entry.indexOf("://")).toLowerCase()
  if (scheme !== "postgres" && scheme !== "postgresql") {
    problems.push(
      `DB_READ_REPLICAS entry "${masked(entry)}" has the scheme "${scheme}"; replicas are PostgreSQL-only (postgresql://)`,
    )
    return undefined
  }
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    problems.push(
      `DB_READ_REPLICAS entry "${masked(entry)}" is not a valid URL (postgresql://user:password@host:port/database)`,
    )
    return undefined
  }
  if (!url.hostname) {
    problems.push(`DB_READ_REPLICAS entry "${masked(entry)}" names no host`)
    return undefined
  }
  const port = parsePort(url.port || undefined, entry, problems)
  if (port === undefined) return undefined
  const base = sameAsPrimary(primary)
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""))
  return {
    host: unbracket(url.hostname),
    port,
    username: url.username ? decodeURIComponent(url.username) : base.username,
    password: url.username ? decodeURIComponent(url.password) : base.password,
    database: database || base.database,
  }
}

function sameAsPrimary(
  primary: DataSourceOptions & { type: "postgres" },
): Omit<ReplicaTarget, "host" | "port"> {
  return {
    username: primary.username,
    password: typeof primary.password === "string" ? primary.password : undefined,
    database: primary.database,
  }
}

function parsePort(raw: string | undefined, entry: string, problems: string[]): number | undefined {
  if (raw === undefined) return DEFAULT_POSTGRES_PORT
  const port = Number(raw)
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    problems.push(
      `DB_READ_REPLICAS entry "${masked(entry)}" has the port "${raw}"; use a port number from 1 to 65535`,
    )
    return undefined
  }
  return port
}

function unbracket(host: string): string {
  return host.startsWith("[") ? host.slice(1, -1) : host
}

// An entry as it may be shown: whatever stands between "user:" and "@" becomes ***.
function masked(entry: string): string {
  return entry.replace(/^((?:[a-z0-9+.-]+:\/\/)?[^:@/]*:).*@/i, "$1***@")
}
