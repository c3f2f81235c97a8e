import { Message, Operator, Orchestrator, Tool } from "../../../src"
import { QueryError } from "../../../src/errors"
import type { Dialect } from "../../../src/internal/drivers/dialect"
import { StatementFailure } from "../../../src/internal/errors/statement-failure"
import { readColumn } from "../../../src/internal/metadata/column-plan"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import { deleteSql } from "../../../src/internal/sql/delete-sql"
import { insertSql } from "../../../src/internal/sql/insert-sql"
import { linkSql, unlinkSql } from "../../../src/internal/sql/link-sql"
import { updateSql } from "../../../src/internal/sql/update-sql"
import {
  computeChangeSet,
  computeLinkChanges,
  prepareInsert,
} from "../../../src/internal/unit-of-work/change-set-computer"
import { persistWork } from "../../../src/internal/unit-of-work/change-set-persister"
import {
  isPersisted,
  setSnapshot,
  snapshotOf,
} from "../../../src/internal/unit-of-work/entity-state"
import type { ChangeSet, LinkChange, Work } from "../../../src/internal/unit-of-work/work"
import { make } from "../../support/graph"
import { DIALECTS, offlinePlans, withLimits, type OfflinePlans } from "../support/offline-plans"
import { RecordingConnection, type RecordedStatement } from "../support/recording-connection"
import { TestDefaulted, TestPair } from "../support/test-entities"
import { workOf } from "../support/work-of"

const NOW = new Date("2026-01-02T03:04:05.678Z")
const LATER = new Date("2026-01-02T04:00:00.000Z")
const PROJECT_ID = "0190a000-0000-7000-8000-0000000000b1"
const USER_ID = "0190a000-0000-7000-8000-0000000000c1"

describe.each(DIALECTS)("persistWork on %s", (kind) => {
  let offline: OfflinePlans
  let dialect: Dialect
  let messagePlan: EntityPlan
  beforeAll(async () => {
    offline = await offlinePlans(kind)
    dialect = offline.dialect
    messagePlan = offline.plan(Message)
  })

  /** New messages, prepared as a flush prepares them. */
  function messages(count: number, content = "hi"): Message[] {
    return Array.from({ length: count }, () => {
      const message = make(Message, {
        type: "textmessage",
        content,
        projectId: PROJECT_ID,
        userId: USER_ID,
      })
      prepareInsert(messagePlan, message, NOW)
      return message
    })
  }

  /** The rows each INSERT of a table with `width` columns carried. */
  const rowsPerInsert = (statements: RecordedStatement[], width: number): number[] =>
    statements.map((statement) => statement.params.length / width)

  /** A persisted operator (with the snapshot of its row). */
  function storedOperator(): Operator {
    const plan = offline.plan(Operator)
    const operator = make(Operator, {
      name: "op",
      title: "t",
      instructions: "i",
      orchestratorId: "0190a000-0000-7000-8000-0000000000d1",
    })
    prepareInsert(plan, operator, NOW)
    setSnapshot(operator, plan.snapshotRow(operator))
    return operator
  }

  describe("inserts", () => {
    it("writes N rows in ceil(N / 500) multi-row INSERTs, each within the dialect's parameter limit", async () => {
      const batch = messages(1201)
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ inserts: [{ plan: messagePlan, entities: batch }] }),
        connection,
        dialect,
      )
      const width = messagePlan.columns.length
      expect(connection.statements).toHaveLength(Math.ceil(1201 / 500))
      expect(rowsPerInsert(connection.statements, width)).toEqual([500, 500, 201])
      for (const statement of connection.statements) {
        const rows = statement.params.length / width
        expect(statement.sql).toBe(insertSql(messagePlan, messagePlan.columns, rows, ""))
        expect(statement.params.length).toBeLessThanOrEqual(dialect.maxParameters)
      }
    })

    it("keeps rows × columns of each INSERT at or below maxParameters", async () => {
      const width = messagePlan.columns.length
      const small = withLimits(dialect, { maxParameters: 3 * width + 5 })
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ inserts: [{ plan: messagePlan, entities: messages(7) }] }),
        connection,
        small,
      )
      expect(rowsPerInsert(connection.statements, width)).toEqual([3, 3, 1])
      for (const statement of connection.statements) {
        expect(statement.params.length).toBeLessThanOrEqual(small.maxParameters)
      }
    })

    it("writes one row per INSERT when a row has more columns than maxParameters", async () => {
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ inserts: [{ plan: messagePlan, entities: messages(3) }] }),
        connection,
        withLimits(dialect, { maxParameters: 4 }),
      )
      expect(rowsPerInsert(connection.statements, messagePlan.columns.length)).toEqual([1, 1, 1])
    })

    it("binds each row's values as the database holds them, in column order, and keeps them as its snapshot", async () => {
      const [first, second] = messages(2)
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ inserts: [{ plan: messagePlan, entities: [first!, second!] }] }),
        connection,
        dialect,
      )
      const expected = [first!, second!].flatMap((message) =>
        messagePlan.columns.map((column) => column.toDatabase(readColumn(message, column))),
      )
      expect(connection.statements[0]!.params).toEqual(expected)
      for (const message of [first!, second!]) {
        expect(isPersisted(message)).toBe(true)
        expect(snapshotOf(message)).toEqual(messagePlan.snapshotRow(message))
      }
    })

    it("starts a new INSERT when the strings of a statement would exceed maxStatementBytes", async () => {
      // One row carries a little over 1000 bytes of strings: two fit in 2500, three do not.
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ inserts: [{ plan: messagePlan, entities: messages(5, "x".repeat(1000)) }] }),
        connection,
        withLimits(dialect, { maxStatementBytes: 2500 }),
      )
      expect(rowsPerInsert(connection.statements, messagePlan.columns.length)).toEqual([2, 2, 1])
      for (const statement of connection.statements) {
        const bytes = statement.params.reduce<number>(
          (sum, value) => sum + (typeof value === "string" ? value.length : 0),
          0,
        )
        expect(bytes).toBeLessThanOrEqual(2500)
      }
    })

    it("writes a row larger than maxStatementBytes alone", async () => {
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ inserts: [{ plan: messagePlan, entities: messages(3, "x".repeat(5000)) }] }),
        connection,
        withLimits(dialect, { maxStatementBytes: 1000 }),
      )
      expect(rowsPerInsert(connection.statements, messagePlan.columns.length)).toEqual([1, 1, 1])
    })

    it("groups rows by the defaulted columns they leave unset and leaves those columns out", async () => {
      const plan = offline.plan(TestDefaulted)
      const score = plan.columns.find((column) => column.property === "score")!
      const row = (id: number, value?: number): TestDefaulted =>
        make(TestDefaulted, {
          id: `0190a000-0000-7000-8000-00000000010${id}`,
          name: `n${id}`,
          ...(value === undefined ? {} : { score: value }),
        })
      const [a, b, c, d] = [row(1, 7), row(2), row(3, 9), row(4)]
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ inserts: [{ plan, entities: [a, b, c, d] }] }),
        connection,
        dialect,
      )
      const without = `${score.index},`
      expect(connection.statements.map((statement) => statement.sql)).toEqual([
        insertSql(plan, plan.columns, 2, ""),
        insertSql(plan, plan.columnsWithout(without), 2, without),
      ])
      expect(connection.statements[1]!.sql).not.toContain(score.sqlName)
      expect(connection.statements[0]!.params).toEqual([a.id, "n1", 7, c.id, "n3", 9])
      expect(connection.statements[1]!.params).toEqual([b.id, "n2", d.id, "n4"])
    })
  })

  describe("updates", () => {
    it("issues one UPDATE per change set with the primary key last", async () => {
      const plan = offline.plan(Operator)
      const first = storedOperator()
      const second = storedOperator()
      first.title = "lead"
      second.name = "renamed"
      second.instructions = "more"
      const updates = [first, second].map((operator) => computeChangeSet(plan, operator, LATER)!)
      const connection = new RecordingConnection()
      await persistWork(workOf({ updates }), connection, dialect)
      expect(connection.statements).toHaveLength(2)
      updates.forEach((change: ChangeSet, i) => {
        const statement = connection.statements[i]!
        const key = change.columns.map((column) => column.index).join(",")
        expect(statement.sql).toBe(updateSql(plan, change.columns, key))
        expect(statement.params).toEqual([
          ...change.columns.map((column, j) => column.toDatabase(change.values[j])),
          change.entity === first ? first.id : second.id,
        ])
      })
      expect(connection.statements[0]!.params[0]).toBe("lead")
    })

    it("binds every column of a composite key after the changed columns", async () => {
      const plan = offline.plan(TestPair)
      const pair = make(TestPair, { leftKey: "l", rightKey: "r", label: "old" })
      setSnapshot(pair, plan.snapshotRow(pair))
      pair.label = "new"
      const change = computeChangeSet(plan, pair, LATER)!
      const connection = new RecordingConnection()
      await persistWork(workOf({ updates: [change] }), connection, dialect)
      expect(connection.statements[0]!.params).toEqual(["new", "l", "r"])
    })

    it("fails with a QueryError, wrapped as the failure of the table's statement, when an UPDATE affects no row", async () => {
      const operator = storedOperator()
      operator.title = "gone"
      const change = computeChangeSet(offline.plan(Operator), operator, LATER)!
      const connection = new RecordingConnection(() => 0)
      const failure = await persistWork(workOf({ updates: [change] }), connection, dialect).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(StatementFailure)
      expect((failure as StatementFailure).table).toBe("operator")
      const cause = (failure as StatementFailure).cause
      expect(cause).toBeInstanceOf(QueryError)
      expect((cause as QueryError).message).toContain(`Operator ${operator.id} was not updated`)
    })
  })

  describe("links", () => {
    const linkChanges = (plan: EntityPlan, entity: object): LinkChange[] => {
      const out: LinkChange[] = []
      computeLinkChanges(plan, entity, out)
      return out
    }

    it("inserts added links in the junction's column order, ignoring links already there", async () => {
      const plan = offline.plan(Operator)
      const tools = [make(Tool, { name: "a" }), make(Tool, { name: "b" })]
      const operator = make(Operator, { name: "op", tools })
      const links = linkChanges(plan, operator)
      const connection = new RecordingConnection()
      await persistWork(workOf({ links }), connection, dialect)
      expect(connection.statements).toEqual([
        {
          sql: linkSql(links[0]!.link, dialect, 2),
          params: [operator.id, tools[0]!.id, operator.id, tools[1]!.id],
        },
      ])
    })

    it("binds the owner's id as its row was written, a uuid in lower case", async () => {
      const tool = make(Tool, { name: "t" })
      const operator = make(Operator, { name: "op", tools: [tool] })
      operator.id = operator.id.toUpperCase()
      const plan = offline.plan(Operator)
      prepareInsert(plan, operator, NOW)
      const links = linkChanges(plan, operator)
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ inserts: [{ plan, entities: [operator] }], links }),
        connection,
        dialect,
      )
      const [insert, link] = connection.statements
      const written = insert!.params[plan.primary[0]!.index]
      expect(written).toBe(operator.id.toLowerCase())
      expect(link!.params).toEqual([written, tool.id])
    })

    it("binds the other side first when this side's column comes second in the junction", async () => {
      const operator = make(Operator, { name: "op" })
      const tool = make(Tool, { name: "t", operators: [operator] })
      const links = linkChanges(offline.plan(Tool), tool)
      const connection = new RecordingConnection()
      await persistWork(workOf({ links }), connection, dialect)
      expect(connection.statements[0]!.params).toEqual([operator.id, tool.id])
    })

    it("deletes removed links by id, and with replace every link but those added", async () => {
      const plan = offline.plan(Operator)
      const link = plan.links[0]!
      const ownId = "0190a000-0000-7000-8000-0000000000e1"
      const base = { link, entity: {}, ownId, current: new Set<string>() }
      const connection = new RecordingConnection()
      await persistWork(
        workOf({
          links: [
            { ...base, add: [], remove: ["r1", "r2"], replace: false },
            { ...base, add: ["k1"], remove: [], replace: true },
          ],
        }),
        connection,
        dialect,
      )
      expect(connection.statements).toEqual([
        { sql: unlinkSql(link, dialect, 2, false), params: [ownId, "r1", "r2"] },
        { sql: unlinkSql(link, dialect, 1, true), params: [ownId, "k1"] },
        { sql: linkSql(link, dialect, 1), params: [ownId, "k1"] },
      ])
    })
  })

  describe("deletes", () => {
    it("deletes by primary key in statements within maxParameters", async () => {
      const batch = messages(5)
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ deletes: [{ plan: messagePlan, entities: batch }] }),
        connection,
        withLimits(dialect, { maxParameters: 2 }),
      )
      expect(connection.statements).toEqual([
        { sql: deleteSql(messagePlan, 2), params: [batch[0]!.id, batch[1]!.id] },
        { sql: deleteSql(messagePlan, 2), params: [batch[2]!.id, batch[3]!.id] },
        { sql: deleteSql(messagePlan, 1), params: [batch[4]!.id] },
      ])
    })

    it("binds every column of a composite key for each row", async () => {
      const plan = offline.plan(TestPair)
      const pairs = ["a", "b", "c"].map((key) =>
        make(TestPair, { leftKey: key, rightKey: `${key}2` }),
      )
      const connection = new RecordingConnection()
      await persistWork(
        workOf({ deletes: [{ plan, entities: pairs }] }),
        connection,
        withLimits(dialect, { maxParameters: 5 }),
      )
      expect(connection.statements).toEqual([
        { sql: deleteSql(plan, 2), params: ["a", "a2", "b", "b2"] },
        { sql: deleteSql(plan, 1), params: ["c", "c2"] },
      ])
    })
  })

  it("writes inserts, then updates, then links, then deletes", async () => {
    const operator = storedOperator()
    operator.title = "changed"
    const update = computeChangeSet(offline.plan(Operator), operator, LATER)!
    const tool = make(Tool, { name: "t" })
    const linked = make(Operator, { name: "linked", tools: [tool] })
    const links: LinkChange[] = []
    computeLinkChanges(offline.plan(Operator), linked, links)
    const connection = new RecordingConnection()
    await persistWork(
      workOf({
        deletes: [{ plan: messagePlan, entities: messages(1) }],
        links,
        updates: [update],
        inserts: [{ plan: messagePlan, entities: messages(1) }],
      }),
      connection,
      dialect,
    )
    const verbs = connection.statements.map((statement) => statement.sql.split(" ").slice(0, 3))
    expect(verbs.map((words) => words.join(" "))).toEqual([
      `INSERT INTO ${messagePlan.table}`,
      `UPDATE ${offline.plan(Operator).table} SET`,
      `INSERT INTO ${links[0]!.link.table}`,
      `DELETE FROM ${messagePlan.table}`,
    ])
  })

  describe("failures", () => {
    const failing = (verb: string) =>
      new RecordingConnection((statement) => {
        if (statement.sql.startsWith(verb)) throw new Error("boom")
        return 1
      })

    it("throws a StatementFailure naming the table of a failing INSERT, and writes nothing after it", async () => {
      const connection = failing("INSERT")
      const operator = storedOperator()
      operator.title = "changed"
      const update = computeChangeSet(offline.plan(Operator), operator, LATER)!
      const failure = await persistWork(
        workOf({ inserts: [{ plan: messagePlan, entities: messages(1) }], updates: [update] }),
        connection,
        dialect,
      ).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(StatementFailure)
      expect((failure as StatementFailure).table).toBe("message")
      expect(((failure as StatementFailure).cause as Error).message).toBe("boom")
      expect(connection.statements).toHaveLength(1)
    })

    it.each([
      ["UPDATE", "operator"],
      ["INSERT", "operator_tool_link"],
      ["DELETE", "orchestrator"],
    ])("names the table of a failing %s: %s", async (verb, table) => {
      const operator = storedOperator()
      const orchestrator = make(Orchestrator, { name: "o", type: "t" })
      const parts: { -readonly [K in keyof Work]?: Work[K] } = {}
      if (verb === "UPDATE") {
        operator.title = "changed"
        parts.updates = [computeChangeSet(offline.plan(Operator), operator, LATER)!]
      } else if (verb === "INSERT") {
        const links: LinkChange[] = []
        computeLinkChanges(
          offline.plan(Operator),
          make(Operator, { tools: [make(Tool, {})] }),
          links,
        )
        parts.links = links
      } else {
        parts.deletes = [{ plan: offline.plan(Orchestrator), entities: [orchestrator] }]
      }
      await expect(persistWork(workOf(parts), failing(verb), dialect)).rejects.toMatchObject({
        name: "StatementFailure",
        table,
      })
    })
  })
})
