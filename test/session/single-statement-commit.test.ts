import Database from "better-sqlite3"
import { Column, Entity, VersionColumn } from "typeorm"
import {
  MetadataEntity,
  Session,
  SessionStateError,
  StaleUpdateError,
  UniqueViolationError,
  User,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make, unique } from "../support/graph"
import { QueryLog } from "../support/query-log"

// A commit whose work is one statement sends it alone, in autocommit: one round trip, with the
// guarantees of any commit.

@Entity("autocommit_note")
class AutocommitNote extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  title!: string

  @VersionColumn({ type: "integer" })
  version!: number
}

const log = new QueryLog()
const TRANSACTION_CONTROL = /^(BEGIN|START TRANSACTION|COMMIT|ROLLBACK)/i
const control = (queries: readonly string[]): string[] =>
  queries.filter((query) => TRANSACTION_CONTROL.test(query.trim()))

describeEachDatabase(
  "Session: a commit of one statement",
  (db) => {
    const open = () => new Session(db().dataSource)
    const newUser = (email = `${unique("one")}@example.com`) => make(User, { email })

    async function countUsers(email: string): Promise<number> {
      await using reader = open()
      return (await reader.find(User, { where: { email } })).length
    }

    it("sends one INSERT and no BEGIN or COMMIT, and tracks the row as committed", async () => {
      await using session = open()
      const user = session.add(newUser())
      const queries = await log.capture(() => session.commit())
      expect(control(queries)).toEqual([])
      expect(queries.filter((query) => /^INSERT/i.test(query))).toHaveLength(1)
      expect(session.inTransaction).toBe(false)
      expect(await countUsers(user.email)).toBe(1)
      user.firstName = "Ada"
      const update = await log.capture(() => session.commit())
      expect(control(update)).toEqual([])
      expect(update.filter((query) => /^UPDATE/i.test(query))).toHaveLength(1)
      await session.rollback() // nothing open: the committed change stays in memory
      expect(user.firstName).toBe("Ada")
    })

    it("keeps BEGIN and COMMIT around two statements", async () => {
      await using session = open()
      session.add(newUser())
      session.add(newUser())
      const queries = await log.capture(async () => {
        await session.flush() // a flush writes inside the transaction: the commit has two now
        session.add(newUser())
        await session.commit()
      })
      expect(control(queries).map((query) => query.split(" ")[0]!.toUpperCase())).toEqual([
        expect.stringMatching(/^(BEGIN|START)$/),
        "COMMIT",
      ])
    })

    it("fails on a duplicate email with the typed error, writes nothing, and rollback() restores the session", async () => {
      const email = `${unique("dup")}@example.com`
      {
        await using first = open()
        first.add(newUser(email))
        await first.commit()
      }
      await using session = open()
      const duplicate = session.add(newUser(email))
      const queries: string[] = []
      const error = await log
        .capture(() => session.commit())
        .catch((caught: unknown) => {
          queries.push(...log.queries)
          return caught
        })
      expect(error).toBeInstanceOf(UniqueViolationError)
      expect((error as UniqueViolationError).table).toBe("user")
      // It was sent alone; on MariaDB a ROLLBACK follows, for a server with autocommit off.
      expect(control(queries)).toEqual(db().kind === "mariadb" ? ["ROLLBACK"] : [])
      expect(await countUsers(email)).toBe(1)
      expect(() => session.add(newUser())).toThrow(SessionStateError)
      await session.rollback()
      expect(await session.get(User, duplicate.id)).toBeNull()
      duplicate.email = `${unique("fixed")}@example.com`
      session.add(duplicate)
      await session.commit()
      expect(await countUsers(duplicate.email)).toBe(1)
    })

    it("fails a stale versioned UPDATE sent alone with a StaleUpdateError", async () => {
      let id: string
      {
        await using session = open()
        id = session.add(make(AutocommitNote, { title: "first" })).id
        await session.commit()
      }
      await using stale = open()
      const note = (await stale.get(AutocommitNote, id))!
      await stale.rollback() // gives the connection back (SQLite); the note stays tracked
      {
        await using other = open()
        ;(await other.get(AutocommitNote, id))!.title = "other"
        await other.commit()
      }
      note.title = "mine"
      const queries: string[] = []
      const error = await log
        .capture(() => stale.commit())
        .catch((caught: unknown) => {
          queries.push(...log.queries)
          return caught
        })
      expect(error).toBeInstanceOf(StaleUpdateError)
      expect(control(queries)).toEqual([])
      await stale.rollback()
      expect(note.title).toBe("first") // back to what this session last knew of the row
      await using reader = open()
      expect((await reader.get(AutocommitNote, id))!.title).toBe("other")
    })
  },
  {
    extra: { entities: [AutocommitNote], logging: true, logger: log },
    createTestTables: true,
  },
)

describeEachDatabase(
  "Session: a commit of one statement on SQLite",
  (db) => {
    it("waits for another connection's write lock on timers, not blocking the event loop", async () => {
      const holder = new Database(db().env.DB_DATABASE)
      try {
        holder.exec("BEGIN IMMEDIATE")
        setTimeout(() => holder.exec("COMMIT"), 300)
        await using session = new Session(db().dataSource)
        session.add(make(User, { email: `${unique("wait")}@example.com` }))
        let ticks = 0
        const interval = setInterval(() => (ticks += 1), 5)
        const start = performance.now()
        const queries = await log
          .capture(() => session.commit())
          .finally(() => clearInterval(interval))
        expect(control(queries)).toEqual([]) // the INSERT itself waited, in autocommit
        expect(performance.now() - start).toBeGreaterThanOrEqual(250)
        expect(ticks).toBeGreaterThanOrEqual(15) // blocked, it would tick once at most
        expect(holder.prepare("SELECT count(*) FROM user").pluck().get()).toBe(1)
      } finally {
        if (holder.inTransaction) holder.exec("ROLLBACK")
        holder.close()
      }
    })
  },
  { only: ["sqlite"], extra: { logging: true, logger: log } },
)

describeEachDatabase(
  "Session: a commit of one statement on MariaDB",
  (db) => {
    it("commits the statement itself when the server's autocommit is off", async () => {
      // One pooled connection, with autocommit off for the rest of its life.
      const dataSource = db().createDataSource({ poolSize: 1 })
      await dataSource.initialize()
      await dataSource.query("SET autocommit = 0")
      const email = `${unique("off")}@example.com`
      {
        await using session = new Session(dataSource)
        session.add(make(User, { email }))
        await session.commit()
      }
      await using reader = new Session(db().dataSource)
      expect(await reader.findOne(User, { where: { email } })).not.toBeNull()
    })
  },
  { only: ["mariadb"] },
)
