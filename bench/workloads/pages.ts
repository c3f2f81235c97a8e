import { Message, Session, getMessagePage, getMessages } from "../../src"
import { KeysetCondition } from "../../src/internal/read/keyset-condition"
import { encodeMessageCursor } from "../../src/services/message-cursor"
import { driverDate, prepared, quote, seedMessageRows, seedOwners, type Owners } from "../data"
import { nowMs, summarize } from "../stats"
import type { Target } from "../targets"
import type { Sizes, Workload } from "../workload"

// W5: pages of 100 of one project of `readSeedMessages` messages (200,000; 20,000 with --quick),
// two messages per millisecond so that pages end inside ties. Three workloads, run together
// with `--only=W5a,W5b,W5c`:
//   W5a the first page (the reference: what a page costs at depth 0),
//   W5b the page at depth `readSeedMessages / 2` read with OFFSET (`getMessages({ skip })`),
//   W5c the same page read after a cursor (`getMessagePage({ after })`).
// Variants: the Session through the services; the raw driver with the same SQL by hand; plain
// TypeORM's find (`skip`/`take`, and for W5c the keyset condition as a Raw operator).

const PAGE = 100
const QUERIES = 20

interface PagesState {
  readonly owners: Owners
  readonly projectId: string
  readonly depth: number
  /** The message at `depth` (the last one before the page), as the cursor and the raw SQL need it. */
  readonly boundary: Message
  readonly cursor: string
}

type Page = "first" | "offset" | "cursor"

const seeded = new WeakMap<Target, Promise<PagesState>>()

function prepare(target: Target, sizes: Sizes): Promise<PagesState> {
  let state = seeded.get(target)
  if (!state) seeded.set(target, (state = seed(target, sizes)))
  return state
}

// W5c also reads the first page before or after each cursor page, so the two meet the same load;
// the ratio of their medians, per run, is reported in W5c's unit line (per database and variant).
const interleaved = new Map<string, number[]>()

function interleavedRatios(): string {
  const parts = [...interleaved].map(
    // The first run is the harness's warm-up.
    ([key, ratios]) =>
      `${key} ${summarize(ratios.length > 1 ? ratios.slice(1) : ratios).median.toFixed(2)}×`,
  )
  return parts.length === 0 ? "" : `; cursor ÷ first page read alternately: ${parts.join(", ")}`
}

function workload(id: string, title: string, page: Page): Workload<PagesState> {
  return {
    id,
    title,
    unit: (sizes) =>
      `per page of ${PAGE} (median of ${QUERIES}) of one project's ${sizes.readSeedMessages.toLocaleString("en")} messages${page === "first" ? "" : `, after ${(sizes.readSeedMessages / 2).toLocaleString("en")}`}${page === "cursor" ? interleavedRatios() : ""}`,
    prepare,
    async run(variant, target, state) {
      const times: number[] = []
      const firstTimes: number[] = []
      const timed = async (which: Page): Promise<string[]> => {
        const start = nowMs()
        const ids = await readPage(variant, which, target, state)
        ;(which === page ? times : firstTimes).push(nowMs() - start)
        return ids
      }
      for (let q = 0; q < QUERIES; q += 1) {
        if (page === "cursor" && q % 2 === 0) await timed("first")
        const ids = await timed(page)
        if (page === "cursor" && q % 2 === 1) await timed("first")
        if (ids.length !== PAGE) throw new Error(`W5 ${variant} ${page} read ${ids.length} rows`)
        if (page !== "first" && ids[0] === state.boundary.id) {
          throw new Error(`W5 ${variant} ${page} repeated the boundary row`)
        }
      }
      const median = summarize(times).median
      if (page === "cursor") {
        const key = `${target.kind} ${variant}`
        const ratios = interleaved.get(key) ?? []
        ratios.push(median / summarize(firstTimes).median)
        interleaved.set(key, ratios)
      }
      return median
    },
  }
}

/** W5a, W5b, W5c: the first page, the OFFSET page at depth, the cursor page at depth. */
export const pages: readonly Workload<PagesState>[] = [
  workload("W5a", "first page", "first"),
  workload("W5b", "OFFSET page at depth", "offset"),
  workload("W5c", "cursor page at depth", "cursor"),
]

async function readPage(
  variant: string,
  page: Page,
  target: Target,
  state: PagesState,
): Promise<string[]> {
  const { projectId, depth, cursor, boundary } = state
  if (variant === "session") {
    await using session = new Session(target.dataSource)
    const messages =
      page === "first"
        ? (await getMessagePage(session, projectId, { limit: PAGE })).messages
        : page === "offset"
          ? await getMessages(session, projectId, { skip: depth, limit: PAGE })
          : (await getMessagePage(session, projectId, { after: cursor, limit: PAGE })).messages
    return messages.map((m) => m.id)
  }
  if (variant === "typeorm") {
    const found = await target.dataSource.manager.find(Message, {
      where: {
        projectId,
        ...(page === "cursor"
          ? {
              createdAt: new KeysetCondition("after", boundary.createdAt, {
                property: "id",
                column: "id",
                value: boundary.id,
              }),
            }
          : {}),
      },
      order: { createdAt: "ASC", id: "ASC" },
      take: PAGE,
      ...(page === "offset" ? { skip: depth } : {}),
    })
    return found.map((m) => m.id)
  }
  const kind = target.kind
  const params: unknown[] = [projectId]
  if (page === "cursor") {
    const at = driverDate(kind, boundary.createdAt)
    params.push(at, at, at, boundary.id)
  }
  if (page === "offset") params.push(depth)
  const sql = pageSql(kind, page)
  const raw = target.raw
  if (raw.kind === "sqlite") {
    return (prepared(raw.db, sql).all(...params) as Array<{ id: string }>).map((row) => row.id)
  }
  if (raw.kind === "postgres") {
    return ((await raw.pool.query(sql, params)).rows as Array<{ id: string }>).map((r) => r.id)
  }
  const [rows] = await raw.pool.query(sql, params)
  return (rows as Array<{ id: string }>).map((row) => row.id)
}

/** The SQL a careful user writes by hand for each page. */
function pageSql(kind: Target["kind"], page: Page): string {
  const q = (name: string) => quote(kind, name)
  let n = 0
  const p = () => (kind === "postgres" ? `$${++n}` : "?")
  let where = `${q("project_id")} = ${p()}`
  if (page === "cursor") {
    const at = q("created_at")
    where += ` AND ${at} >= ${p()} AND (${at} > ${p()} OR (${at} = ${p()} AND ${q("id")} > ${p()}))`
  }
  const offset = page === "offset" ? ` OFFSET ${p()}` : ""
  // As the session does: MariaDB would take the project_id lookup and walk to the boundary.
  const hint =
    page === "cursor" && kind === "mariadb"
      ? ` FORCE INDEX (${q("IDX_message_project_id_created_at_id")})`
      : ""
  return `SELECT * FROM ${q("message")}${hint} WHERE ${where} ORDER BY ${q("created_at")}, ${q("id")} LIMIT ${PAGE}${offset}`
}

async function seed(target: Target, sizes: Sizes): Promise<PagesState> {
  const owners = await seedOwners(target, 1)
  const projectId = owners.projectIds[0]!
  const total = sizes.readSeedMessages
  // Two messages a millisecond: pages must order ties by id.
  const base = Date.now() - total
  await seedMessageRows(target, owners, total, (i) => ({
    projectId,
    createdAt: new Date(base + Math.floor(i / 2)),
  }))
  const depth = total / 2
  await using session = new Session(target.dataSource)
  const [boundary] = await getMessages(session, projectId, { skip: depth - 1, limit: 1 })
  if (!boundary) throw new Error("W5: the seeded messages are not there")
  return { owners, projectId, depth, boundary, cursor: encodeMessageCursor(boundary) }
}
