import { ReplicaSet } from "../../src/internal/replica-set"

// Replicas that answer with their own name, or refuse while listed in `down`; every attempt is
// recorded, so a test sees which replica was asked, not only which one answered.
function fakeReplicas(names: readonly string[], down: Set<string>) {
  const attempts: string[] = []
  const open = (replica: number): Promise<string> => {
    const name = names[replica]!
    attempts.push(name)
    return down.has(name)
      ? Promise.reject(new Error(`connect ECONNREFUSED ${name}`))
      : Promise.resolve(name)
  }
  return { attempts, open }
}

async function takeNames(set: ReplicaSet<string>, count: number): Promise<(string | undefined)[]> {
  const taken: (string | undefined)[] = []
  for (let i = 0; i < count; i++) taken.push((await set.take())?.connection)
  return taken
}

describe("ReplicaSet", () => {
  it("takes the replicas in turn", async () => {
    const { open } = fakeReplicas(["a", "b", "c"], new Set())
    const set = new ReplicaSet(3, open)
    expect(await takeNames(set, 7)).toEqual(["a", "b", "c", "a", "b", "c", "a"])
  })

  it("skips a replica that refuses and leaves it out until the retry delay has passed", async () => {
    let now = 1_000
    const down = new Set(["b"])
    const { attempts, open } = fakeReplicas(["a", "b"], down)
    const set = new ReplicaSet(2, open, { retryAfterMs: 5_000, now: () => now })

    expect(await takeNames(set, 4)).toEqual(["a", "a", "a", "a"])
    // b was asked once; afterwards it is out, and no session waits for it.
    expect(attempts).toEqual(["a", "b", "a", "a", "a"])
    expect(set.isDown(1)).toBe(true)

    down.delete("b")
    now += 4_999
    expect(await takeNames(set, 2)).toEqual(["a", "a"])
    now += 1
    expect(await takeNames(set, 2)).toEqual(["b", "a"])
  })

  it("gives nothing when every replica is down, so the caller reads from the primary", async () => {
    const { attempts, open } = fakeReplicas(["a", "b"], new Set(["a", "b"]))
    const set = new ReplicaSet(2, open, { retryAfterMs: 60_000 })
    expect(await set.take()).toBeUndefined()
    expect(await set.take()).toBeUndefined()
    // Each was tried once, by the first take only.
    expect(attempts).toEqual(["a", "b"])
  })

  it("leaves out a replica reported down after it gave a connection", async () => {
    const { open } = fakeReplicas(["a", "b"], new Set())
    const set = new ReplicaSet(2, open, { retryAfterMs: 60_000 })
    const first = await set.take()
    expect(first?.connection).toBe("a")
    set.markDown(first!.replica)
    expect(await takeNames(set, 3)).toEqual(["b", "b", "b"])
  })

  it("reports a replica going out of service once, with why, and once when it answers again", async () => {
    let now = 0
    const down = new Set(["b"])
    const { open } = fakeReplicas(["a", "b"], down)
    const events: string[] = []
    const set = new ReplicaSet(2, open, {
      retryAfterMs: 5_000,
      now: () => now,
      onDown: (replica, reason) => events.push(`down ${replica}: ${(reason as Error).message}`),
      onBack: (replica) => events.push(`back ${replica}`),
    })

    await takeNames(set, 4)
    // Still failing at each retry, and reported down by a session meanwhile: no new report.
    now += 5_000
    await takeNames(set, 4)
    set.markDown(1, new Error("connection lost"))
    expect(events).toEqual(["down 1: connect ECONNREFUSED b"])

    down.delete("b")
    now += 5_000
    expect(await takeNames(set, 4)).toEqual(["b", "a", "b", "a"])
    expect(events).toEqual(["down 1: connect ECONNREFUSED b", "back 1"])

    // Reported down again after it had come back: a new report.
    set.markDown(0, new Error("connection lost"))
    set.markDown(0, new Error("connection lost again"))
    expect(events).toEqual(["down 1: connect ECONNREFUSED b", "back 1", "down 0: connection lost"])
  })
})
