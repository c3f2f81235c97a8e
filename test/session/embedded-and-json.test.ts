import { Column, Entity, JoinColumn, JoinTable, ManyToMany, ManyToOne } from "typeorm"
import { MetadataEntity, Session, Tool, User } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { make, unique } from "../support/graph"
import { QueryLog, dataStatements } from "../support/query-log"

class Address {
  @Column({ type: "varchar", length: 64, nullable: true })
  street!: string | null

  @Column({ type: "varchar", length: 64, nullable: true })
  city!: string | null

  /** Not a column: only instances of the class have it. */
  get label(): string {
    return `${this.street ?? "?"}, ${this.city ?? "?"}`
  }
}

enum Mood {
  Calm = "calm",
  Busy = "busy",
}

interface Settings {
  theme: string
  sizes: number[]
}

@Entity("profile_card")
class ProfileCard extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  name!: string

  @Column(() => Address)
  address!: Address

  @Column({ type: "simple-enum", enum: Mood, default: Mood.Calm })
  mood!: Mood

  @Column({ type: "simple-json", nullable: true })
  settings!: Settings | null

  @Column({ type: "json", nullable: true })
  data!: { tags: string[]; nested: { on: boolean } } | null
}

/** A model of the application's own, related to built-in ones. */
@Entity("workbench")
class Workbench extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  name!: string

  @Column({ name: "user_id", type: "uuid" })
  userId!: string

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User

  @ManyToMany(() => Tool)
  @JoinTable({
    name: "workbench_tool",
    joinColumn: { name: "workbench_id", referencedColumnName: "id" },
    inverseJoinColumn: { name: "tool_id", referencedColumnName: "id" },
  })
  tools?: Tool[]
}

const log = new QueryLog()

function card(name: string): ProfileCard {
  return make(ProfileCard, {
    name,
    address: Object.assign(new Address(), { street: "1 Main St", city: "Springfield" }),
    mood: Mood.Busy,
    settings: { theme: "dark", sizes: [1, 2] },
    data: { tags: ["a", "b"], nested: { on: true } },
  })
}

describeEachDatabase(
  "Session embedded and JSON columns",
  (db) => {
    const open = () => new Session(db().dataSource)

    it("stores an embedded object and reads it back as an instance of its class", async () => {
      const added = card(unique("card").slice(-64))
      {
        await using session = open()
        session.add(added)
        await session.commit()
      }
      await using reader = open()
      const loaded = await reader.get(ProfileCard, added.id)
      expect(loaded?.address).toBeInstanceOf(Address)
      expect(loaded?.address.label).toBe("1 Main St, Springfield")
      const [found] = await reader.find(ProfileCard, { where: { name: added.name } })
      expect(found).toBe(loaded)
      // A condition on an embedded property goes through TypeORM's find, into the same session.
      const [byCity] = await reader.find(ProfileCard, {
        where: { name: added.name, address: { city: "Springfield" } },
      })
      expect(byCity).toBe(loaded)
    })

    it("writes an UPDATE of the embedded column that changed, and nothing when none did", async () => {
      await using session = open()
      const added = session.add(card(unique("card").slice(-64)))
      await session.commit()
      expect(dataStatements(await log.capture(() => session.commit()))).toEqual([])
      added.address.city = "Shelbyville"
      const statements = dataStatements(await log.capture(() => session.commit()))
      expect(statements).toHaveLength(1)
      expect(statements[0]).toMatch(/^UPDATE/)
      expect(statements[0]).toMatch(/city/i)
      expect(statements[0]).not.toMatch(/street/i)
      await using reader = open()
      expect((await reader.get(ProfileCard, added.id))?.address.city).toBe("Shelbyville")
    })

    it("puts an embedded value changed in memory back on rollback", async () => {
      await using session = open()
      const added = session.add(card(unique("card").slice(-64)))
      await session.commit()
      added.address.street = "2 Side St"
      await session.rollback()
      expect(added.address.street).toBe("1 Main St")
    })

    it("round-trips simple-enum, simple-json and json columns and diffs them by value", async () => {
      const added = card(unique("card").slice(-64))
      {
        await using session = open()
        session.add(added)
        await session.commit()
      }
      await using session = open()
      const loaded = (await session.get(ProfileCard, added.id))!
      expect(loaded.mood).toBe(Mood.Busy)
      expect(loaded.settings).toEqual({ theme: "dark", sizes: [1, 2] })
      expect(loaded.data).toEqual({ tags: ["a", "b"], nested: { on: true } })
      expect(dataStatements(await log.capture(() => session.commit()))).toEqual([])
      loaded.settings!.sizes.push(3)
      loaded.data!.nested.on = false
      loaded.mood = Mood.Calm
      const statements = dataStatements(await log.capture(() => session.commit()))
      expect(statements).toHaveLength(1)
      expect(statements[0]).toMatch(/settings/)
      expect(statements[0]).toMatch(/data/)
      expect(statements[0]).toMatch(/mood/)
      expect(statements[0]).not.toMatch(/name/)
      await session.close()
      await using reader = open()
      const stored = (await reader.get(ProfileCard, added.id))!
      expect(stored.mood).toBe(Mood.Calm)
      expect(stored.settings).toEqual({ theme: "dark", sizes: [1, 2, 3] })
      expect(stored.data).toEqual({ tags: ["a", "b"], nested: { on: false } })
    })

    it("fills an unset simple-enum with its default and an unset JSON column with null", async () => {
      await using session = open()
      const added = session.add(
        make(ProfileCard, { name: unique("bare").slice(-64), address: new Address() }),
      )
      await session.commit()
      expect(added.mood).toBe(Mood.Calm)
      await using reader = open()
      await session.close()
      const stored = (await reader.get(ProfileCard, added.id))!
      expect(stored.mood).toBe(Mood.Calm)
      expect(stored.settings).toBeNull()
      expect(stored.data).toBeNull()
      expect(stored.address.city).toBeNull()
    })

    it("adds a custom entity with a user and tools, reads it with relations, relinks and cascades from the user", async () => {
      const user = make(User, { email: `${unique("wb")}@example.com` })
      const hammer = make(Tool, { name: "hammer" })
      const saw = make(Tool, { name: "saw" })
      const bench = make(Workbench, { name: "main", user, tools: [hammer, saw] })
      {
        await using session = open()
        session.add(bench)
        await session.commit()
        expect(bench.userId).toBe(user.id)
      }
      {
        await using session = open()
        const loaded = await session.findOne(Workbench, {
          where: { id: bench.id },
          relations: { user: true, tools: true },
        })
        expect(loaded?.user?.email).toBe(user.email)
        expect(loaded?.tools?.map((tool) => tool.name).sort()).toEqual(["hammer", "saw"])
        loaded!.tools = loaded!.tools!.filter((tool) => tool.name === "saw")
        await session.commit()
      }
      {
        await using session = open()
        const loaded = await session.findOne(Workbench, {
          where: { id: bench.id },
          relations: { tools: true },
        })
        expect(loaded?.tools?.map((tool) => tool.name)).toEqual(["saw"])
        session.delete((await session.get(User, user.id))!)
        await session.commit()
      }
      await using session = open()
      expect(await session.get(Workbench, bench.id)).toBeNull()
      const links = await session.manager.query(
        `SELECT COUNT(*) AS n FROM workbench_tool WHERE workbench_id = ${db().kind === "postgres" ? "$1" : "?"}`,
        [bench.id],
      )
      expect(Number((links as { n: unknown }[])[0]!.n)).toBe(0)
      expect(await session.get(Tool, saw.id)).not.toBeNull()
    })
  },
  {
    extra: { entities: [ProfileCard, Workbench], logging: true, logger: log },
    createTestTables: true,
  },
)
