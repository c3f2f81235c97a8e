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
})
