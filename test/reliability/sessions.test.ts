import type { Env } from "../../src"
import { describeEachDatabase } from "../support/databases"
import { fixture, startChild } from "./fixtures/helpers"

// A second session used inside a first one on SQLite (same async call chain, before the first
// commits) would wait for a lock only its own caller can release. It is refused at once with a
// SessionStateError; a session of an independent chain waits, and its wait keeps the process
// alive until it gets the connection or times out with a ConnectionError. Each case runs in a
// process of its own with nothing else keeping it alive: before, such a process exited at once
// with code 0, losing what the outer session had flushed.

interface Run {
  readonly code: number | null
  readonly lines: readonly string[]
  readonly stderr: string
}

async function run(env: Env, mode: string): Promise<Run> {
  const child = startChild(fixture("nested-session.ts"), [mode], {
    REL_DB_ENV: JSON.stringify(env),
  })
  const { code } = await child.exited
  return { code, lines: child.lines.filter(Boolean), stderr: child.stderr() }
}

/** The `<label> <outcome> <ms>` line of a step. */
function step(result: Run, label: string): { outcome: string; ms: number; message: string } {
  const line = result.lines.find((candidate) => candidate.startsWith(`${label} `))
  if (!line) {
    throw new Error(
      `no "${label}" line: the process exited with code ${result.code} after ${JSON.stringify(result.lines)}; stderr: ${result.stderr}`,
    )
  }
  const [, outcome, ms, ...message] = line.split(" ")
  return { outcome: outcome!, ms: Number(ms), message: message.join(" ") }
}

/** The user counts before and after. */
function users(result: Run): number[] {
  return result.lines
    .filter((line) => line.startsWith("users "))
    .map((line) => Number(line.slice(6)))
}

describeEachDatabase(
  "Nested sessions on SQLite",
  (db) => {
    it.each(["nested-session", "nested-read"])(
      "%s: a bare inner session waits, keeps the process alive, times out with a ConnectionError, and the outer one commits",
      async (mode) => {
        const result = await run(db().env, mode)
        const inner = step(result, "inner")
        expect(inner.outcome).toBe("ConnectionError")
        expect(inner.message).toMatch(/do not open a second session inside a first one/i)
        expect(inner.ms).toBeGreaterThanOrEqual(250)
        expect(inner.ms).toBeLessThan(5_000)
        const [before, after] = users(result)
        expect(after).toBe(before! + 1)
        expect(result).toMatchObject({ code: 0, stderr: "" })
        expect(result.lines.at(-1)).toBe("done")
      },
    )

    it("a session inside withSession that only read is refused at once, and the outer one commits", async () => {
      const result = await run(db().env, "nested-scope-read")
      const inner = step(result, "inner")
      expect(inner.outcome).toBe("SessionStateError")
      expect(inner.message).toMatch(/use the outer session .*commit or close it/i)
      expect(inner.ms).toBeLessThan(1_000)
      expect(step(result, "outer").outcome).toBe("ok")
      const [before, after] = users(result)
      expect(after).toBe(before! + 1)
      expect(result).toMatchObject({ code: 0, stderr: "" })
    })

    it("bare sessions of jobs started side by side wait for each other and are never refused", async () => {
      const result = await run(db().env, "bare-side-by-side")
      expect(step(result, "second").outcome).toBe("ok")
      const [before, after] = users(result)
      expect(after).toBe(before! + 2)
      expect(result).toMatchObject({ code: 0, stderr: "" })
    })

    it("withTransaction inside withTransaction: the inner one is refused, the outer commits", async () => {
      const result = await run(db().env, "nested-transaction")
      expect(step(result, "inner").outcome).toBe("SessionStateError")
      expect(step(result, "outer").outcome).toBe("ok")
      const [before, after] = users(result)
      expect(after).toBe(before! + 1)
      expect(result).toMatchObject({ code: 0, stderr: "" })
      expect(result.lines.at(-1)).toBe("done")
    })

    it("a session of an independent chain waits for the connection, the process staying alive", async () => {
      const result = await run(db().env, "independent-wait")
      const second = step(result, "second")
      expect(second.outcome).toBe("ok")
      expect(second.ms).toBeGreaterThanOrEqual(200)
      const [before, after] = users(result)
      expect(after).toBe(before! + 2)
      expect(result).toMatchObject({ code: 0, stderr: "" })
      expect(result.lines.at(-1)).toBe("done")
    })

    it("a session of an independent chain times out with a ConnectionError, not a silent exit", async () => {
      const result = await run(db().env, "independent-timeout")
      const second = step(result, "second")
      expect(second.outcome).toBe("ConnectionError")
      expect(second.ms).toBeGreaterThanOrEqual(450)
      expect(second.ms).toBeLessThan(5_000)
      expect(result.lines.at(-1)).toBe("done")
    })
  },
  { only: ["sqlite"] },
)
