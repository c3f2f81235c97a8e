import { Column, Entity, VersionColumn } from "typeorm"
import { MetadataEntity, Session, SessionStateError, StaleUpdateError } from "../../src"
import { ConcreteDbError } from "../../src/errors"
import { describeEachDatabase } from "../support/databases"
import { make, unique } from "../support/graph"

// TypeORM's @VersionColumn through the Session: optimistic concurrency, no lost update.

@Entity("versioned_note")
class VersionedNote extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  title!: string

  @VersionColumn({ type: "integer" })
  version!: number
}

describeEachDatabase(
  "Session: @VersionColumn",
  (db) => {
    const open = () => new Session(db().dataSource)

    // Each read in a session of its own, closed at once: on SQLite sessions take turns.
    async function read(id: string): Promise<VersionedNote | null> {
      await using reader = open()
      return reader.get(VersionedNote, id)
    }

    // Reads the note and gives the connection back (SQLite); the note stays tracked.
    async function readAndRelease(session: Session, id: string): Promise<VersionedNote> {
      const note = (await session.get(VersionedNote, id))!
      await session.rollback()
      return note
    }

    async function committedNote(): Promise<VersionedNote> {
      await using session = open()
      const note = session.add(make(VersionedNote, { title: unique("note").slice(-32) }))
      await session.commit()
      return note
    }

    it("starts a new row at version 1, in the row and in memory", async () => {
      const note = await committedNote()
      expect(note.version).toBe(1)
      expect((await read(note.id))?.version).toBe(1)
    })

    it("increments the version of each successful update, in the row and in memory", async () => {
      const { id } = await committedNote()
      await using session = open()
      const note = (await session.get(VersionedNote, id))!
      note.title = "second"
      await session.commit()
      expect(note.version).toBe(2)
      note.title = "third"
      await session.commit()
      expect(note.version).toBe(3)
      await session.commit() // nothing changed: no update, no new version
      expect(note.version).toBe(3)
      expect(await read(id)).toMatchObject({ title: "third", version: 3 })
    })

    it("fails the second of two sessions that changed the same row, writing nothing of its flush", async () => {
      const { id } = await committedNote()
      await using first = open()
      await using second = open()
      const mine = await readAndRelease(first, id)
      const theirs = await readAndRelease(second, id)
      expect([mine.version, theirs.version]).toEqual([1, 1])
      mine.title = "first wins"
      await first.commit()

      theirs.title = "second loses"
      const alsoNew = second.add(make(VersionedNote, { title: "with the stale update" }))
      const error = await second.commit().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(StaleUpdateError)
      expect(error).toBeInstanceOf(ConcreteDbError)
      expect(error).toMatchObject({ entity: "VersionedNote", id })
      expect((error as Error).message).toMatch(
        new RegExp(`^VersionedNote ${id} was changed or deleted by another session`),
      )
      await expect(second.commit()).rejects.toThrow(SessionStateError)

      expect(await read(id)).toMatchObject({ title: "first wins", version: 2 })
      expect(await read(alsoNew.id)).toBeNull()

      // After rollback the session reads the row again and can change it.
      await second.rollback()
      const fresh = (await second.get(VersionedNote, id))!
      await second.refresh(fresh)
      expect(fresh.version).toBe(2)
      fresh.title = "second, again"
      await second.commit()
      expect(await read(id)).toMatchObject({
        title: "second, again",
        version: 3,
      })
    })

    it("fails an update of a row another session deleted", async () => {
      const { id } = await committedNote()
      await using session = open()
      const note = await readAndRelease(session, id)
      await using other = open()
      other.delete((await other.get(VersionedNote, id))!)
      await other.commit()
      await other.close()
      note.title = "gone"
      await expect(session.commit()).rejects.toThrow(StaleUpdateError)
    })
  },
  { extra: { entities: [VersionedNote] }, createTestTables: true },
)
