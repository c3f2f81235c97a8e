import {
  createProject,
  createUser,
  getMessage,
  getMessages,
  getProjectByName,
  getUser,
  withSession,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { TABLES, countAll, seedConversation } from "./fixtures/helpers"
import {
  EMAILS_REFUSED,
  EMAILS_STORED,
  HOSTILE_EMAILS,
  HOSTILE_STRINGS,
  LONE_SURROGATES,
  TARGETS,
  expectNoPollution,
  expectSameBytes,
  hostileInput,
  isWellFormed,
} from "./fixtures/hostile-input"

// Hostile strings and emails through the DTOs and the services, in every field that takes
// text; lookups by hostile keys. (The corpus and the harness: fixtures/hostile-input.ts.)

describeEachDatabase("hostile input: strings", (db) => {
  const h = hostileInput(db)

  for (const target of TARGETS) {
    it(`stores or rejects every hostile string in ${target.name}`, async () => {
      const stored: string[] = []
      for (const [label, value] of HOSTILE_STRINGS) {
        const outcome = await h.attempt(
          `${target.name} <- ${label}`,
          (s) => target.create(s, value, h.conversation),
          target.adds,
        )
        if (!outcome.ok) {
          expect(outcome.error.issues.map((issue) => issue.property).join()).toMatch(
            new RegExp(`${target.name.split(" ")[0]!.replace(".", "\\.")}`),
          )
          continue
        }
        stored.push(label)
        const read = await withSession((s) => target.readBack(s, outcome.value.id), db().dataSource)
        expectSameBytes(read, value)
      }
      // Tables are all still there, and the corpus was not simply refused wholesale.
      for (const table of TABLES)
        await db().dataSource.query(
          `SELECT 1 FROM ${db().dataSource.driver.escape(table)} WHERE 1 = 0`,
        )
      expect(stored.length).toBeGreaterThanOrEqual(target.minStored)
    })
  }

  it("rejects strings with lone surrogates with a ValidationError", async () => {
    for (const target of TARGETS) {
      for (const [label, value] of LONE_SURROGATES) {
        const outcome = await h.attempt(
          `${target.name} <- ${label}`,
          (s) => target.create(s, value, h.conversation),
          target.adds,
        )
        // JSON text escapes them (\ud800), so content built with JSON.stringify is fine.
        if (target.name === "MessageCreate.content (as JSON text)") continue
        expect({ label, target: target.name, ok: outcome.ok }).toEqual({
          label,
          target: target.name,
          ok: false,
        })
      }
    }
  })

  it("never refuses a hostile string a field can hold for a reason other than its rules", async () => {
    // Strings without NUL that fit 64 characters: a name must take them (or say it is empty).
    const fresh = await seedConversation(db().dataSource)
    for (const [label, value] of HOSTILE_STRINGS) {
      const fits = !value.includes("\u0000") && [...value].length <= 64 && value.length > 0
      const outcome = await h.attempt(
        `ProjectCreate.name (rules) <- ${label}`,
        (s) => createProject(s, { name: value, orchestratorId: fresh.orchestratorId }),
        { project: 1 },
      )
      if (fits && isWellFormed(value))
        expect({ label, ok: outcome.ok }).toEqual({ label, ok: true })
    }
  })

  it("stores or rejects hostile emails, and finds a stored one by exactly its value", async () => {
    const stored: string[] = []
    for (const email of HOSTILE_EMAILS) {
      const outcome = await h.attempt(
        `UserCreate.email <- ${JSON.stringify(email)}`,
        (s) => createUser(s, { email }),
        {
          user: 1,
        },
      )
      if (!outcome.ok) {
        expect(outcome.error.issues.map((issue) => issue.property)).toContain("UserCreate.email")
        continue
      }
      stored.push(email)
      const found = await withSession((s) => getUser(s, email), db().dataSource)
      expectSameBytes(found?.email, email)
    }
    expect(stored).toEqual(expect.arrayContaining([...EMAILS_STORED]))
    for (const email of EMAILS_REFUSED) expect(stored).not.toContain(email)
  })

  it("treats hostile lookup keys as data: exact matches only, no error, no write", async () => {
    const before = await countAll(db().dataSource)
    let promptsFound = 0
    let projectsFound = 0
    await withSession(async (s) => {
      for (const [, value] of HOSTILE_STRINGS) {
        const user = await getUser(s, value)
        if (user) expect(user.email).toBe(value)
        // The prompt and project-name targets above stored these values.
        for (const message of await getMessages(s, h.conversation.projectId, { prompt: value })) {
          expect(message.prompt).toBe(value)
          promptsFound += 1
        }
        const project = await getProjectByName(s, value, h.conversation.orchestratorId)
        if (project) {
          expect(project.name).toBe(value)
          projectsFound += 1
        }
        expect(await getMessage(s, value)).toBeNull()
      }
    }, db().dataSource)
    expect(promptsFound).toBeGreaterThanOrEqual(25)
    expect(projectsFound).toBeGreaterThanOrEqual(25)
    expect(await countAll(db().dataSource)).toEqual(before)
  })

  it("leaves a summary of what was stored and what was rejected", () => {
    expect(h.outcomes.length).toBeGreaterThan(100)
    expectNoPollution(h.snapshot)
  })
})
