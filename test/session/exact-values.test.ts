import { BeforeUpdate, Column, Entity } from "typeorm"
import { Client, MetadataEntity, Operator, Session, User, ValidationError } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { committedOwned } from "../support/fixtures"
import { make, unique } from "../support/graph"

// Written through the Session directly (no DTO): a value that cannot be stored exactly on every
// database is refused on every database alike, before anything is sent, and the session goes on.

const LONE_SURROGATE = "a\uD800b"

/** A listener that sets a value the session must check too. */
@Entity("signed_text")
class SignedText extends MetadataEntity {
  @Column({ type: "varchar", length: 16 })
  body!: string

  @Column({ type: "varchar", length: 16, nullable: true })
  signature!: string | null

  @BeforeUpdate()
  sign(): void {
    this.signature = `${this.body}!`
  }
}
const ROBOTS_64 = "🤖".repeat(64) // 64 code points, 128 UTF-16 units: fits a varchar(64)

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ValidationError)
  return error as ValidationError
}

describeEachDatabase(
  "Session: values every database stores exactly, or none does",
  (db) => {
    const open = () => new Session(db().dataSource)

    // Each read in a session of its own, closed at once: on SQLite sessions take turns.
    async function read<T extends object>(entity: new () => T, id: string): Promise<T | null> {
      await using reader = open()
      return reader.get(entity, id)
    }

    const badText: ReadonlyArray<readonly [string, string, RegExp]> = [
      [
        "a lone surrogate",
        LONE_SURROGATE,
        /NUL character .* or an unpaired surrogate \(got "a\\ud800b"\)/,
      ],
      [
        "a NUL character",
        "a\u0000b",
        /NUL character .* or an unpaired surrogate \(got "a\\u0000b"\)/,
      ],
      ["65 characters in a varchar(64)", "x".repeat(65), /shorter than or equal to 64 characters/],
      [
        "65 emoji in a varchar(64)",
        "🤖".repeat(65),
        /shorter than or equal to 64 characters \(got 65/,
      ],
    ]

    it.each(badText)(
      "refuses %s on insert before anything is sent, and the session stays usable",
      async (_label, value, reason) => {
        await using session = open()
        const email = `${unique("exact")}@example.com`
        const other = session.add(make(User, { email: `${unique("other")}@example.com` }))
        const user = session.add(make(User, { email, firstName: value }))
        const error = await refusal(session.commit())
        expect(error.issues).toEqual([
          { property: "User.firstName", reasons: [expect.stringMatching(reason)] },
        ])
        expect(error.message).toMatch(/^Invalid input: User\.firstName must/)

        expect(await read(User, other.id)).toBeNull()
        expect(await read(User, user.id)).toBeNull()

        user.firstName = "Ada"
        await session.commit()
        expect((await read(User, user.id))?.firstName).toBe("Ada")
        expect((await read(User, other.id))?.email).toBe(other.email)
      },
    )

    it("refuses a bad value on update, writes nothing of the flush, and commits once it is fixed", async () => {
      const { user } = await committedOwned(db().dataSource)
      await using session = open()
      const tracked = (await session.get(User, user.id))!
      await session.rollback() // gives the connection back (SQLite); the user stays tracked
      const fresh = session.add(make(User, { email: `${unique("fresh")}@example.com` }))
      tracked.lastName = LONE_SURROGATE
      const error = await refusal(session.commit())
      expect(error.issues.map((issue) => issue.property)).toEqual(["User.lastName"])

      expect((await read(User, user.id))?.lastName ?? null).toBeNull()
      expect(await read(User, fresh.id)).toBeNull()

      tracked.lastName = "Lovelace"
      await session.commit()
      expect((await read(User, user.id))?.lastName).toBe("Lovelace")
      expect(await read(User, fresh.id)).not.toBeNull()
    })

    it("stores 64 emoji in a varchar(64) exactly (the length counts code points)", async () => {
      await using session = open()
      const user = session.add(
        make(User, { email: `${unique("emoji")}@example.com`, firstName: ROBOTS_64 }),
      )
      await session.commit()
      expect((await read(User, user.id))?.firstName).toBe(ROBOTS_64)
    })

    it.each([NaN, Infinity, -Infinity])(
      "refuses %p in a float column on every database, before anything is sent",
      async (temperature) => {
        const { orchestrator, operator } = await committedOwned(db().dataSource)
        await using session = open()
        const client = session.add(make(Client, { orchestrator, operator, temperature }))
        const error = await refusal(session.commit())
        expect(error.issues).toEqual([
          {
            property: "Client.temperature",
            reasons: [`must be a finite number (got ${String(temperature)})`],
          },
        ])
        expect(await read(Client, client.id)).toBeNull()

        client.temperature = 0.7
        await session.commit()
        expect((await read(Client, client.id))?.temperature).toBe(0.7)
      },
    )

    it("refuses text over MySQL's 65,535-byte TEXT on every database, and stores what fits", async () => {
      const { orchestrator } = await committedOwned(db().dataSource)
      await using session = open()
      const operator = session.add(
        make(Operator, {
          name: "Long",
          title: "developer",
          instructions: "é".repeat(32_768), // 65,536 bytes
          orchestrator,
        }),
      )
      const error = await refusal(session.commit())
      expect(error.issues.map((issue) => issue.property)).toEqual(["Operator.instructions"])
      expect(await read(Operator, operator.id)).toBeNull()

      operator.instructions = "é".repeat(32_767)
      await session.commit()
      expect((await read(Operator, operator.id))?.instructions).toBe(operator.instructions)
    })

    it("shows a long bad value shortened", async () => {
      await using session = open()
      session.add(
        make(User, { email: `${unique("long")}@example.com`, firstName: "y".repeat(500) }),
      )
      const error = await refusal(session.commit())
      expect(error.message).toContain(`"${"y".repeat(40)}…" (500 UTF-16 units)`)
      expect(error.message).not.toContain("y".repeat(41))
    })

    it("checks what a beforeUpdate listener set as well", async () => {
      await using session = open()
      const text = session.add(make(SignedText, { body: "short", signature: null }))
      await session.commit()
      text.body = "sixteen chars!!!" // the listener's signature gets 17
      const error = await refusal(session.commit())
      expect(error.issues.map((issue) => issue.property)).toEqual(["SignedText.signature"])
      await session.rollback()
      expect((await read(SignedText, text.id))?.body).toBe("short")
    })
  },
  { extra: { entities: [SignedText] }, createTestTables: true },
)
