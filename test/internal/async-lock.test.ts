import { AsyncLock } from "../../src/internal/async-lock"

const timers = () => process.getActiveResourcesInfo().filter((type) => type === "Timeout").length

describe("AsyncLock", () => {
  it("keeps the process alive while a waiter waits with a timeout", async () => {
    const lock = new AsyncLock()
    const release = await lock.acquire()
    const before = timers()
    const waiting = lock.acquire(60_000, () => new Error("timed out"))
    // The wait's timer keeps the event loop alive: a process with nothing else to do does not
    // exit (with code 0) while a session waits for the lock.
    expect(timers()).toBe(before + 1)
    release()
    const releaseSecond = await waiting
    expect(timers()).toBe(before)
    releaseSecond()
  })

  it("rejects a waiter with the given error once the timeout has passed", async () => {
    const lock = new AsyncLock()
    await lock.acquire()
    await expect(lock.acquire(20, () => new Error("waited too long"))).rejects.toThrow(
      "waited too long",
    )
  })

  it("hands the lock to waiters in the order they asked (first in, first out)", async () => {
    const lock = new AsyncLock()
    const releaseFirst = await lock.acquire()
    const order: string[] = []
    const waiters = ["second", "third", "fourth"].map(async (name) => {
      const release = await lock.acquire(10_000)
      order.push(name)
      // Hold it across a turn of the event loop, so a later waiter cannot slip in meanwhile.
      await new Promise((resolve) => setImmediate(resolve))
      release()
    })
    releaseFirst()
    await Promise.all(waiters)
    expect(order).toEqual(["second", "third", "fourth"])
    expect(lock.isHeld).toBe(false)
  })

  it("never hands the lock to a waiter that timed out, and gives it to the next one", async () => {
    const lock = new AsyncLock()
    const release = await lock.acquire()
    const timedOut = lock.acquire(10, () => new Error("timed out"))
    const patient = lock.acquire(10_000)
    await expect(timedOut).rejects.toThrow("timed out")
    release()
    const releasePatient = await patient
    expect(lock.isHeld).toBe(true)
    releasePatient()
    expect(lock.isHeld).toBe(false)
  })

  it("arms no timer without a timeout, and waits until the holder releases", async () => {
    const lock = new AsyncLock()
    const release = await lock.acquire()
    const before = timers()
    let granted = false
    const waiting = lock.acquire().then((releaseSecond) => {
      granted = true
      return releaseSecond
    })
    expect(timers()).toBe(before)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(granted).toBe(false)
    release()
    ;(await waiting)()
    expect(granted).toBe(true)
  })

  it("releases once: a second call of the same release function changes nothing", async () => {
    const lock = new AsyncLock()
    const release = await lock.acquire()
    const next = lock.acquire(10_000)
    release()
    release()
    const releaseNext = await next
    expect(lock.isHeld).toBe(true)
    releaseNext()
  })

  it("takes a free lock at once with tryAcquire, and refuses a held one without waiting", async () => {
    const lock = new AsyncLock()
    const release = lock.tryAcquire()
    expect(release).toBeInstanceOf(Function)
    expect(lock.isHeld).toBe(true)
    expect(lock.tryAcquire()).toBeUndefined()
    const waiting = lock.acquire()
    release!()
    // Released with a waiter: the lock passes to it, so it is still not free.
    expect(lock.tryAcquire()).toBeUndefined()
    ;(await waiting)()
    expect(lock.isHeld).toBe(false)
  })
})
