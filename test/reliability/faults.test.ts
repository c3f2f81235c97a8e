import type { DataSource } from "typeorm"
import {
  CheckViolationError,
  ConcreteDbError,
  ConnectionError,
  ForeignKeyViolationError,
  Log,
  Message,
  Operator,
  Orchestrator,
  Project,
  QueryError,
  Session,
  UniqueViolationError,
  User,
  createDataSource,
  type Env,
  withSession,
  withTransaction,
} from "../../src"
import { describeEachDatabase, type TestDatabase } from "../support/databases"
import { make, unique } from "../support/graph"
import { MARIADB, adminQuery } from "../support/servers"
import { type Conversation, countAll, seedConversation } from "./fixtures/helpers"

// Faults in the middle of a commit: a constraint violation partway through, a connection the
// server killed, a database that refuses writes. Each commit rolls back completely (every table
// has the row count it had before), raises a typed error, and the next session works.

function message(conversation: Conversation, text: string, sender: "user" | "both" = "user") {
  return make(Message, {
    type: "textmessage",
    content: JSON.stringify({ text }),
    projectId: conversation.projectId,
    userId: conversation.userId,
    ...(sender === "both" ? { operatorId: conversation.operatorId } : {}),
  })
}

/** A session on `dataSource` commits a message and a fresh session reads it back. */
async function expectNextSessionWorks(dataSource: DataSource, conversation: Conversation) {
  const written = await withTransaction(
    (session) => Promise.resolve(session.add(message(conversation, unique("after")))),
    dataSource,
  )
  await using reader = new Session(dataSource)
  expect((await reader.get(Message, written.id))?.content).toBe(written.content)
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error("expected the commit to fail, but it succeeded")
}

describeEachDatabase("faults mid-commit", (db) => {
  let conversation: Conversation

  beforeAll(async () => {
    conversation = await seedConversation(db().dataSource)
  })

  it("rolls back all five entities when the third (in insert order) is a duplicate", async () => {
    const { dataSource } = db()
    const before = await countAll(dataSource)
    const existing = await withSession(
      (reader) => reader.get(Operator, conversation.operatorId),
      dataSource,
    )
    const session = new Session(dataSource)
    const user = make(User, { email: `${unique("five")}@example.com` })
    const orchestrator = make(Orchestrator, {
      type: "software",
      name: unique("o").slice(-32),
      user,
    })
    // Insert order is users, orchestrators, operators, projects, messages: the operator is third.
    const duplicate = make(Operator, {
      name: existing!.name,
      title: "twin",
      instructions: "again",
      orchestratorId: conversation.orchestratorId,
    })
    const project = make(Project, { name: unique("p"), orchestrator })
    const last = make(Message, {
      type: "textmessage",
      content: "{}",
      project,
      userId: user.id,
    })
    session.addAll([last, project, duplicate, orchestrator, user])
    const error = await failureOf(session.commit())
    expect(error).toBeInstanceOf(UniqueViolationError)
    expect((error as UniqueViolationError).table).toBe("operator")
    expect(await countAll(dataSource)).toEqual(before)
    // The same session is usable again after rollback, and so is a new one.
    await session.rollback()
    session.add(make(User, { email: `${unique("again")}@example.com` }))
    await session.commit()
    await session.close()
    await expectNextSessionWorks(dataSource, conversation)
  })

  it("rolls back five messages when the third breaks the sender CHECK", async () => {
    const { dataSource } = db()
    const before = await countAll(dataSource)
    await using session = new Session(dataSource)
    session.addAll([
      message(conversation, "one"),
      message(conversation, "two"),
      message(conversation, "three", "both"),
      message(conversation, "four"),
      message(conversation, "five"),
    ])
    const error = await failureOf(session.commit())
    expect(error).toBeInstanceOf(CheckViolationError)
    expect(await countAll(dataSource)).toEqual(before)
    await expectNextSessionWorks(dataSource, conversation)
  })

  it("rolls back rows flushed earlier in the transaction when a later flush fails", async () => {
    const { dataSource } = db()
    const before = await countAll(dataSource)
    await using session = new Session(dataSource)
    session.addAll([message(conversation, "flushed one"), message(conversation, "flushed two")])
    session.add(make(Log, { level: "info", message: "flushed three" }))
    await session.flush()
    // Third: a message of a project that does not exist.
    session.add(
      make(Message, {
        type: "textmessage",
        content: "{}",
        projectId: "01900000-0000-7000-8000-000000000000",
        userId: conversation.userId,
      }),
    )
    session.addAll([message(conversation, "four"), message(conversation, "five")])
    const error = await failureOf(session.commit())
    expect(error).toBeInstanceOf(ForeignKeyViolationError)
    expect(await countAll(dataSource)).toEqual(before)
    await expectNextSessionWorks(dataSource, conversation)
  })
})

async function backendId(session: Session, kind: TestDatabase["kind"]): Promise<number> {
  const sql = kind === "postgres" ? "SELECT pg_backend_pid() AS id" : "SELECT CONNECTION_ID() AS id"
  const rows: Array<{ id: number | string }> = await session.manager.query(sql)
  return Number(rows[0]!.id)
}

async function killBackend(dataSource: DataSource, kind: TestDatabase["kind"], id: number) {
  if (kind === "postgres") {
    const rows: Array<{ ok: boolean }> = await dataSource.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE pid = $1 AND datname = current_database()",
      [id],
    )
    expect(rows).toEqual([{ ok: true }])
  } else {
    await dataSource.query(`KILL ${id}`)
  }
}

describeEachDatabase(
  "faults mid-commit: the server kills the connection",
  (db) => {
    let conversation: Conversation
    // The session under test runs on a data source of its own, so the one that kills is not
    // in its pool.
    let dataSource: DataSource

    beforeAll(async () => {
      conversation = await seedConversation(db().dataSource)
      dataSource = db().createDataSource({ poolSize: 3 })
      await dataSource.initialize()
    })

    it("fails the commit with a ConnectionError after the backend was terminated mid-transaction", async () => {
      const { kind } = db()
      const before = await countAll(db().dataSource)
      const session = new Session(dataSource)
      session.add(message(conversation, "before the kill"))
      await session.flush()
      expect(session.inTransaction).toBe(true)
      await killBackend(db().dataSource, kind, await backendId(session, kind))
      session.add(message(conversation, "after the kill"))
      const error = await failureOf(session.commit())
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toContain(`${String(dataSource.options.database)}`)
      expect(await countAll(db().dataSource)).toEqual(before)
      // The session is usable again after rollback, on another connection.
      await session.rollback()
      session.add(message(conversation, "same session, new connection"))
      await session.commit()
      await session.close()
      // More sessions than the pool has connections: a dead one would be handed out again.
      for (let i = 0; i < 5; i += 1) await expectNextSessionWorks(dataSource, conversation)
      await Promise.all(
        Array.from({ length: 6 }, () => expectNextSessionWorks(dataSource, conversation)),
      )
    })

    it("fails a session holding a killed connection for reads only, without writing", async () => {
      const { kind } = db()
      const before = await countAll(db().dataSource)
      const session = new Session(dataSource)
      expect(await session.get(Project, conversation.projectId)).not.toBeNull()
      expect(session.isActive).toBe(true)
      expect(session.inTransaction).toBe(false)
      const id = await backendId(session, kind)
      await killBackend(db().dataSource, kind, id)
      session.add(message(conversation, "on a dead connection"))
      const error = await failureOf(session.commit())
      expect(error).toBeInstanceOf(ConnectionError)
      expect(await countAll(db().dataSource)).toEqual(before)
      await session.rollback()
      await session.close()
      await expectNextSessionWorks(dataSource, conversation)
    })

    it("recovers when the server kills every idle pooled connection", async () => {
      const { kind } = db()
      // Three sessions at once hold the pool's three connections; note each one's backend.
      let release!: () => void
      const allHeld = new Promise<void>((resolve) => (release = resolve))
      const held: number[] = []
      const victims = await Promise.all(
        Array.from({ length: 3 }, async () => {
          const session = new Session(dataSource)
          try {
            const id = await backendId(session, kind)
            held.push(id)
            if (held.length === 3) release()
            await allHeld
            return id
          } finally {
            await session.close()
          }
        }),
      )
      expect(new Set(victims).size).toBe(3)
      for (const id of victims) await killBackend(db().dataSource, kind, id)

      // Right away, before the pool may have noticed: each session either works or fails with a
      // ConnectionError having written nothing, and the pool hands out each dead connection at
      // most once.
      const outcomes: Array<{ id: string; ok: boolean }> = []
      for (let i = 0; i < 6; i += 1) {
        const attempt = message(conversation, unique("right after the kill"))
        try {
          await withTransaction((session) => Promise.resolve(session.add(attempt)), dataSource)
          outcomes.push({ id: attempt.id, ok: true })
        } catch (error) {
          expect(error).toBeInstanceOf(ConnectionError)
          outcomes.push({ id: attempt.id, ok: false })
        }
      }
      expect(outcomes.filter((outcome) => !outcome.ok).length).toBeLessThanOrEqual(3)
      expect(outcomes.slice(3).every((outcome) => outcome.ok)).toBe(true)
      const stored = await withSession(
        (session) => Promise.all(outcomes.map((outcome) => session.get(Message, outcome.id))),
        db().dataSource,
      )
      expect(stored.map((row) => row !== null)).toEqual(outcomes.map((outcome) => outcome.ok))

      for (let i = 0; i < 5; i += 1) await expectNextSessionWorks(dataSource, conversation)
      await Promise.all(
        Array.from({ length: 6 }, () => expectNextSessionWorks(dataSource, conversation)),
      )
    })
  },
  { only: ["postgres", "mariadb"] },
)

describeEachDatabase(
  "faults mid-commit: a read-only SQLite database",
  (db) => {
    let conversation: Conversation

    beforeAll(async () => {
      conversation = await seedConversation(db().dataSource)
    })

    it("rolls back and raises a typed error under PRAGMA query_only, then works again", async () => {
      const { dataSource } = db()
      const before = await countAll(dataSource)
      await dataSource.query("PRAGMA query_only = ON")
      let error: Error
      try {
        const session = new Session(dataSource)
        session.addAll([
          message(conversation, "one"),
          message(conversation, "two"),
          make(Log, { level: "info", message: "three" }),
        ])
        error = await failureOf(session.commit())
        await session.close()
      } finally {
        await dataSource.query("PRAGMA query_only = OFF")
      }
      expect(error).toBeInstanceOf(ConcreteDbError)
      expect(error).toBeInstanceOf(QueryError)
      expect(error.message).toMatch(/readonly|read-only|read only/i)
      expect(await countAll(dataSource)).toEqual(before)
      await expectNextSessionWorks(dataSource, conversation)
    })

    it("rolls back and raises a typed error on a data source opened read-only", async () => {
      const before = await countAll(db().dataSource)
      const readOnly = db().createDataSource({ readonly: true } as never)
      await readOnly.initialize()
      const session = new Session(readOnly)
      // Reads work; the write fails at the commit.
      expect(await session.get(Project, conversation.projectId)).not.toBeNull()
      session.add(message(conversation, "read-only"))
      const error = await failureOf(session.commit())
      expect(error).toBeInstanceOf(ConcreteDbError)
      expect(error.message).toMatch(/readonly|read-only|read only/i)
      await session.close()
      expect(await countAll(db().dataSource)).toEqual(before)
      await expectNextSessionWorks(db().dataSource, conversation)
      await readOnly.destroy()
    })
  },
  { only: ["sqlite"] },
)

/** A login of our own on the test database that may read but never write; `drop()` removes it. */
async function readOnlyLogin(db: TestDatabase): Promise<{ env: Env; drop: () => Promise<void> }> {
  const name = `cdb_ro_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const password = `ro-${Math.random().toString(36).slice(2)}`
  const database = String(db.env.DB_DATABASE)
  if (db.kind === "postgres") {
    // Every transaction of this role is READ ONLY (trust authentication: any password does).
    await db.dataSource.query(`CREATE ROLE "${name}" LOGIN`)
    await db.dataSource.query(`ALTER ROLE "${name}" SET default_transaction_read_only = on`)
    await db.dataSource.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${name}"`,
    )
    return {
      env: { ...db.env, DB_USERNAME: name, DB_PASSWORD: password },
      drop: async () => {
        await db.dataSource.query(`DROP OWNED BY "${name}"`)
        await db.dataSource.query(`DROP ROLE "${name}"`)
      },
    }
  }
  // MariaDB: a user granted SELECT only.
  const account = `'${name}'@'${MARIADB.host}'`
  await adminQuery("mariadb", `CREATE USER ${account} IDENTIFIED BY '${password}'`)
  await adminQuery("mariadb", `GRANT SELECT ON \`${database}\`.* TO ${account}`)
  return {
    env: { ...db.env, DB_USERNAME: name, DB_PASSWORD: password },
    drop: () => adminQuery("mariadb", `DROP USER IF EXISTS ${account}`),
  }
}

describeEachDatabase(
  "faults mid-commit: a server that refuses writes",
  (db) => {
    it("rolls back and raises a typed error for a read-only login, then works again", async () => {
      const conversation = await seedConversation(db().dataSource)
      const before = await countAll(db().dataSource)
      const login = await readOnlyLogin(db())
      const readOnly = createDataSource({ env: login.env })
      try {
        const session = new Session(readOnly)
        // Reads work; the writes fail at the commit, all of them.
        expect(await session.get(Project, conversation.projectId)).not.toBeNull()
        session.addAll([
          message(conversation, "one"),
          message(conversation, "two"),
          make(Log, { level: "info", message: "three" }),
        ])
        const error = await failureOf(session.commit())
        await session.close()
        expect(error).toBeInstanceOf(QueryError)
        expect(error.message).toMatch(
          db().kind === "postgres" ? /read-only transaction/ : /INSERT command denied/,
        )
      } finally {
        if (readOnly.isInitialized) await readOnly.destroy()
        await login.drop()
      }
      expect(await countAll(db().dataSource)).toEqual(before)
      await expectNextSessionWorks(db().dataSource, conversation)
    })
  },
  { only: ["postgres", "mariadb"] },
)
