import { setFlagsFromString } from "node:v8"
import { Message } from "../../../src"
import type { EntityPlan } from "../../../src/internal/metadata/entity-plan"
import { prepareInsert } from "../../../src/internal/unit-of-work/change-set-computer"
import { persistWork } from "../../../src/internal/unit-of-work/change-set-persister"
import { keepEntityShape, keptShapes } from "../../../src/internal/unit-of-work/entity-shapes"
import { isPersisted, setSnapshot } from "../../../src/internal/unit-of-work/entity-state"
import { make } from "../../support/graph"
import { DIALECTS, offlinePlans } from "../support/offline-plans"
import { RecordingConnection } from "../support/recording-connection"
import { workOf } from "../support/work-of"

// V8's own answer to "do these two objects have the same hidden class": what a twin is for.
setFlagsFromString("--allow-natives-syntax")
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a V8 intrinsic, test only
const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (
  a: object,
  b: object,
) => boolean

/** A plan as the keeper sees it: its identity and its width. */
const planOf = (width: number): EntityPlan =>
  ({ columns: new Array(width) }) as unknown as EntityPlan

class Note {
  id = "0190a000-0000-7000-8000-000000000001"
  title?: string
  createdAt?: Date
  pinned?: boolean
  rank?: number
  owner?: object
}

/** A note as a flush leaves it: its properties set in `order`, then its snapshot. */
function inserted(order: readonly (keyof Note)[]): Note {
  const note = new Note()
  const values: Partial<Note> = {
    title: "secret plans",
    createdAt: new Date("2026-01-02T03:04:05.678Z"),
    pinned: true,
    rank: 2.5,
    owner: { name: "ada" },
  }
  for (const key of order) Object.assign(note, { [key]: values[key] })
  setSnapshot(note, ["x"])
  return note
}

describe("keepEntityShape", () => {
  it("keeps a twin with the entity's hidden class and none of its data", () => {
    const plan = planOf(3)
    const note = inserted(["title", "createdAt", "pinned", "rank"])
    keepEntityShape(plan, note)
    const [twin] = keptShapes(plan) as Note[]
    expect(haveSameMap(twin!, note)).toBe(true)
    expect(twin).toEqual(
      Object.assign(new Note(), { title: "", createdAt: new Date(0), pinned: true, rank: 2.5 }),
    )
    expect(twin!.id).toBe(note.id) // what the constructor set, as it set it
    expect(isPersisted(twin!)).toBe(true)
    expect(note.title).toBe("secret plans")
  })

  it("keeps one twin per shape, at most four", () => {
    const plan = planOf(1)
    const orders: (keyof Note)[][] = [
      ["title", "pinned"],
      ["pinned", "title"],
      ["title", "pinned"],
      ["rank"],
      ["createdAt"],
      ["rank", "title"],
      ["pinned"],
    ]
    const notes = orders.map((order) => inserted(order))
    for (const note of notes) keepEntityShape(plan, note)
    const twins = keptShapes(plan)
    expect(twins).toHaveLength(4)
    const kept = [notes[0]!, notes[1]!, notes[3]!, notes[4]!]
    expect(twins.map((twin, i) => haveSameMap(twin, kept[i]!))).toEqual([true, true, true, true])
  })

  it("looks at the first 64 batches of an entity only", () => {
    const plan = planOf(1)
    for (let i = 0; i < 64; i += 1) keepEntityShape(plan, inserted(["title"]))
    keepEntityShape(plan, inserted(["rank"]))
    expect(keptShapes(plan)).toHaveLength(1)
  })

  it("stops the copy at a property holding an object other than a Date, and gives no snapshot", () => {
    const plan = planOf(1)
    keepEntityShape(plan, inserted(["title", "owner", "rank"]))
    const [twin] = keptShapes(plan)
    expect(Object.keys(twin!)).toEqual(["id", "title"])
    expect(isPersisted(twin!)).toBe(false)
  })

  it("makes no twin when the constructor throws or sets what the entity set later", () => {
    class Strict {
      readonly name: string
      constructor(name: string) {
        this.name = name.trim()
      }
    }
    class Late {
      a?: number
      b = 1
    }
    const strict = new Strict(" x ")
    const late = Object.assign(Object.create(Late.prototype) as Late, { a: 1, b: 2 })
    const strictPlan = planOf(1)
    const latePlan = planOf(1)
    expect(() => keepEntityShape(strictPlan, strict)).not.toThrow()
    keepEntityShape(latePlan, late)
    expect(keptShapes(strictPlan)).toEqual([])
    expect(keptShapes(latePlan)).toEqual([])
  })
})

describe.each(DIALECTS)("persistWork on %s", (kind) => {
  it("keeps the shape of the messages it inserted", async () => {
    const offline = await offlinePlans(kind)
    const plan = offline.plan(Message)
    const message = make(Message, {
      type: "textmessage",
      content: "hello",
      projectId: "0190a000-0000-7000-8000-0000000000b1",
      userId: "0190a000-0000-7000-8000-0000000000c1",
    })
    prepareInsert(plan, message, new Date())
    await persistWork(
      workOf({ inserts: [{ plan, entities: [message] }] }),
      new RecordingConnection(),
      offline.dialect,
    )
    const twins = keptShapes(plan)
    expect(twins.some((twin) => haveSameMap(twin, message))).toBe(true)
    expect(twins.every((twin) => (twin as Message).content === "")).toBe(true)
  })
})
