import {
  AfterInsert,
  AfterLoad,
  AfterRemove,
  AfterUpdate,
  BeforeInsert,
  BeforeRemove,
  BeforeUpdate,
  Column,
  Entity,
  EventSubscriber,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  type EntitySubscriberInterface,
  type InsertEvent,
  type RemoveEvent,
  type UpdateEvent,
} from "typeorm"
import { Broadcaster } from "typeorm/subscriber/Broadcaster"
import { MetadataEntity, Project, Session, User } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { newOwned } from "../support/fixtures"
import { make, unique } from "../support/graph"

/** What listeners and the subscriber saw, in order. */
const calls: string[] = []

@Entity("listened_note")
class ListenedNote extends MetadataEntity {
  /** Set to make the next beforeInsert listener throw. */
  static failNextInsert = false

  @Column({ type: "varchar", length: 64 })
  title!: string

  @Column({ type: "varchar", length: 64, nullable: true })
  slug!: string | null

  @Column({ type: "int", default: 0 })
  revision!: number

  @OneToMany(() => ListenedComment, (comment) => comment.note)
  comments?: ListenedComment[]

  /** Not a column: set by the afterLoad listener. */
  loadedTitle?: string

  @BeforeInsert()
  beforeInsert(): void {
    calls.push(`note beforeInsert ${this.title} createdAt=${String(this.createdAt)}`)
    if (ListenedNote.failNextInsert) {
      ListenedNote.failNextInsert = false
      throw new RangeError("no notes today")
    }
    this.slug = this.title.toLowerCase().replace(/\s+/g, "-")
  }

  @AfterInsert()
  afterInsert(): void {
    calls.push(`note afterInsert ${this.title}`)
  }

  // Async: the session awaits it before it computes what to write.
  @BeforeUpdate()
  async beforeUpdate(): Promise<void> {
    calls.push(`note beforeUpdate ${this.title}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
    this.revision += 1
  }

  @AfterUpdate()
  afterUpdate(): void {
    calls.push(`note afterUpdate ${this.title} revision=${this.revision}`)
  }

  @BeforeRemove()
  beforeRemove(): void {
    calls.push(`note beforeRemove ${this.title}`)
  }

  @AfterRemove()
  afterRemove(): void {
    calls.push(`note afterRemove ${this.title}`)
  }

  @AfterLoad()
  afterLoad(): void {
    this.loadedTitle = this.title
    calls.push(`note afterLoad ${this.title}`)
  }
}

@Entity("listened_comment")
class ListenedComment extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  text!: string

  @Column({ name: "note_id", type: "uuid" })
  noteId!: string

  @ManyToOne(() => ListenedNote, (note) => note.comments, { onDelete: "CASCADE" })
  @JoinColumn({ name: "note_id" })
  note?: ListenedNote

  @AfterLoad()
  afterLoad(): void {
    calls.push(`comment afterLoad ${this.text}`)
  }
}

/** A row whose id the database generates (TypeORM's insert path inside the session). */
@Entity("listened_counter")
class ListenedCounter {
  @PrimaryGeneratedColumn()
  id!: number

  @Column({ type: "varchar", length: 64 })
  label!: string

  @BeforeInsert()
  beforeInsert(): void {
    calls.push(`counter beforeInsert ${this.label}`)
    this.label = `${this.label}!`
  }
}

@EventSubscriber()
class NoteSubscriber implements EntitySubscriberInterface<ListenedNote> {
  listenTo(): typeof ListenedNote {
    return ListenedNote
  }

  beforeInsert(event: InsertEvent<ListenedNote>): void {
    calls.push(`subscriber beforeInsert ${event.entity.title}`)
  }

  afterInsert(event: InsertEvent<ListenedNote>): void {
    calls.push(`subscriber afterInsert ${event.entity.title}`)
  }

  beforeUpdate(event: UpdateEvent<ListenedNote>): void {
    const before = event.databaseEntity as ListenedNote | undefined
    const columns = event.updatedColumns.map((column) => column.propertyName).sort()
    calls.push(
      `subscriber beforeUpdate ${before?.title}→${event.entity?.title} [${columns.join(",")}]`,
    )
  }

  afterUpdate(event: UpdateEvent<ListenedNote>): void {
    const columns = event.updatedColumns.map((column) => column.propertyName).sort()
    calls.push(`subscriber afterUpdate [${columns.join(",")}]`)
  }

  beforeRemove(event: RemoveEvent<ListenedNote>): void {
    calls.push(`subscriber beforeRemove ${event.entity?.title} id=${String(event.entityId)}`)
  }

  afterRemove(event: RemoveEvent<ListenedNote>): void {
    calls.push(`subscriber afterRemove ${event.entity?.title}`)
  }

  afterLoad(entity: ListenedNote): void {
    calls.push(`subscriber afterLoad ${entity.title}`)
  }
}

const ENTITY_EVENTS = [
  "broadcastBeforeInsertEvent",
  "broadcastAfterInsertEvent",
  "broadcastBeforeUpdateEvent",
  "broadcastAfterUpdateEvent",
  "broadcastBeforeRemoveEvent",
  "broadcastAfterRemoveEvent",
  "broadcastLoadEvent",
] as const

describeEachDatabase(
  "Session lifecycle events",
  (db) => {
    const open = () => new Session(db().dataSource)
    const note = (title: string) => make(ListenedNote, { title })

    beforeEach(() => {
      calls.length = 0
    })
    afterEach(() => {
      jest.restoreAllMocks()
    })

    it("runs beforeInsert listeners and subscribers before ids, stamps and row values, and writes what they set", async () => {
      await using session = open()
      const added = session.add(note("First Note"))
      await session.commit()
      expect(calls).toEqual([
        "note beforeInsert First Note createdAt=undefined",
        "subscriber beforeInsert First Note",
        "note afterInsert First Note",
        "subscriber afterInsert First Note",
      ])
      expect(added.slug).toBe("first-note")
      const [row] = await db().dataSource.query(
        `SELECT slug FROM listened_note WHERE id = ${db().kind === "postgres" ? "$1" : "?"}`,
        [added.id],
      )
      expect((row as { slug: string }).slug).toBe("first-note")
    })

    it("awaits an async beforeUpdate and writes the field it changed, with the diff the subscriber saw", async () => {
      await using session = open()
      const added = session.add(note("Draft"))
      await session.commit()
      calls.length = 0
      added.title = "Final"
      await session.commit()
      expect(calls).toEqual([
        "note beforeUpdate Final",
        "subscriber beforeUpdate Draft→Final [title,updatedAt]",
        "note afterUpdate Final revision=1",
        "subscriber afterUpdate [revision,title,updatedAt]",
      ])
      await using reader = open()
      const stored = await reader.get(ListenedNote, added.id)
      expect(stored?.revision).toBe(1)
      expect(stored?.title).toBe("Final")
    })

    it("sends no update events for a tracked entity that did not change", async () => {
      await using session = open()
      session.add(note("Still"))
      await session.commit()
      calls.length = 0
      await session.commit()
      expect(calls).toEqual([])
    })

    it("runs beforeRemove and afterRemove around the DELETE", async () => {
      await using session = open()
      const added = session.add(note("Doomed"))
      await session.commit()
      calls.length = 0
      session.delete(added)
      await session.commit()
      expect(calls).toEqual([
        "note beforeRemove Doomed",
        `subscriber beforeRemove Doomed id=${added.id}`,
        "note afterRemove Doomed",
        "subscriber afterRemove Doomed",
      ])
      await using reader = open()
      expect(await reader.get(ListenedNote, added.id)).toBeNull()
    })

    it("runs afterLoad for every entity get, find, findOne and refresh hydrate, and not for tracked ones", async () => {
      const added = note("Loaded")
      {
        await using session = open()
        session.add(added)
        await session.commit()
      }
      {
        await using reader = open()
        calls.length = 0
        const got = await reader.get(ListenedNote, added.id)
        expect(got?.loadedTitle).toBe("Loaded")
        expect(calls).toEqual(["note afterLoad Loaded", "subscriber afterLoad Loaded"])
        calls.length = 0
        // The same instance comes back from the identity map: nothing was hydrated.
        expect(await reader.findOne(ListenedNote, { where: { id: added.id } })).toBe(got)
        expect(calls).toEqual([])
        got!.title = "changed in memory"
        got!.loadedTitle = undefined
        await reader.refresh(got!)
        expect(got!.loadedTitle).toBe("Loaded")
        expect(calls).toEqual(["note afterLoad Loaded", "subscriber afterLoad Loaded"])
      }
      await using other = open()
      calls.length = 0
      const found = await other.find(ListenedNote, { where: { title: "Loaded" } })
      expect(found.map((entity) => entity.loadedTitle)).toEqual(["Loaded"])
      expect(calls).toEqual(["note afterLoad Loaded", "subscriber afterLoad Loaded"])
    })

    it("runs afterLoad for entities a relation load hydrates, related ones first", async () => {
      const parent = note("Parent")
      parent.comments = [
        make(ListenedComment, { text: "one", note: parent }),
        make(ListenedComment, { text: "two", note: parent }),
      ]
      {
        await using session = open()
        session.add(parent)
        await session.commit()
      }
      {
        await using reader = open()
        calls.length = 0
        const [loaded] = await reader.find(ListenedNote, {
          where: { id: parent.id },
          relations: { comments: true },
        })
        expect(loaded?.comments?.map((comment) => comment.text).sort()).toEqual(["one", "two"])
        expect(calls.slice(0, 2).sort()).toEqual(["comment afterLoad one", "comment afterLoad two"])
        expect(calls.slice(2)).toEqual(["note afterLoad Parent", "subscriber afterLoad Parent"])
      }
      await using other = open()
      calls.length = 0
      const comments = await other.find(ListenedComment, {
        where: { noteId: parent.id },
        relations: { note: true },
      })
      expect(comments.map((comment) => comment.note?.loadedTitle)).toEqual(["Parent", "Parent"])
      expect(calls.filter((call) => call.startsWith("note afterLoad"))).toEqual([
        "note afterLoad Parent",
      ])
    })

    it("runs a beforeInsert listener once for rows whose ids the database generates", async () => {
      await using session = open()
      const counter = session.add(make(ListenedCounter, { label: "c" }))
      await session.commit()
      expect(calls).toEqual(["counter beforeInsert c"])
      expect(typeof counter.id).toBe("number")
      await using reader = open()
      expect((await reader.get(ListenedCounter, counter.id))?.label).toBe("c!")
    })

    it("fails the flush with the listener's own error and rolls the transaction back", async () => {
      await using session = open()
      const kept = session.add(note("Kept"))
      await session.flush()
      ListenedNote.failNextInsert = true
      session.add(note("Refused"))
      await expect(session.commit()).rejects.toThrow(new RangeError("no notes today"))
      await expect(session.flush()).rejects.toThrow(/call session.rollback\(\)/)
      await session.rollback()
      await using reader = open()
      expect(await reader.get(ListenedNote, kept.id)).toBeNull()
    })

    it("broadcasts nothing for entities without listeners or subscribers (the timestamp subscriber included)", async () => {
      const spies = ENTITY_EVENTS.map((name) => jest.spyOn(Broadcaster.prototype, name))
      const { user, orchestrator, project } = newOwned()
      {
        await using session = open()
        session.add(orchestrator)
        await session.commit()
        project.name = unique("renamed").slice(-64)
        await session.commit()
        session.delete(project)
        await session.commit()
      }
      await using reader = open()
      const loaded = await reader.find(User, {
        where: { id: user.id },
        relations: { orchestrators: { projects: true } },
      })
      expect(loaded).toHaveLength(1)
      expect(await reader.get(Project, project.id)).toBeNull()
      for (const spy of spies) expect(spy).not.toHaveBeenCalled()
      // The spies do see the session's broadcasts when something listens.
      reader.add(note("Heard"))
      await reader.commit()
      expect(spies[0]).toHaveBeenCalledTimes(1)
    })
  },
  {
    extra: {
      entities: [ListenedNote, ListenedComment, ListenedCounter],
      subscribers: [NoteSubscriber],
    },
    createTestTables: true,
  },
)
