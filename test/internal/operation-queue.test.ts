import { OperationQueue } from "../../src/internal/operation-queue"

describe("OperationQueue", () => {
  it("starts an operation at once when nothing is running", () => {
    const queue = new OperationQueue()
    let started = false
    void queue.run(() => {
      started = true
      return Promise.resolve()
    })
    expect(started).toBe(true)
  })

  it("runs queued operations one at a time, in the order they were queued", async () => {
    const queue = new OperationQueue()
    const events: string[] = []
    const operation = (name: string, ms: number) => () =>
      new Promise<void>((resolve) => {
        events.push(`${name} start`)
        setTimeout(() => {
          events.push(`${name} end`)
          resolve()
        }, ms)
      })
    const first = queue.run(operation("first", 20))
    const second = queue.run(operation("second", 1))
    expect(events).toEqual(["first start"])
    await Promise.all([first, second])
    expect(events).toEqual(["first start", "first end", "second start", "second end"])
    // Idle again: the next one starts at once.
    void queue.run(operation("third", 1))
    expect(events.at(-1)).toBe("third start")
  })

  it("is idle only when no operation is running or waiting", async () => {
    const queue = new OperationQueue()
    expect(queue.idle).toBe(true)
    let finish!: () => void
    const first = queue.run(() => new Promise<void>((resolve) => (finish = resolve)))
    const second = queue.run(() => Promise.resolve())
    expect(queue.idle).toBe(false)
    finish()
    await first
    expect(queue.idle).toBe(false) // the second one has yet to run
    await second
    expect(queue.idle).toBe(true)
  })

  it("runs the next operation after one that failed, and gives each its own outcome", async () => {
    const queue = new OperationQueue()
    const failed = queue.run(() => Promise.reject(new Error("broken")))
    const next = queue.run(() => Promise.resolve(42))
    await expect(failed).rejects.toThrow("broken")
    await expect(next).resolves.toBe(42)
  })

  it("turns an operation that throws before returning a promise into a rejection", async () => {
    const queue = new OperationQueue()
    const thrown = queue.run((): Promise<void> => {
      throw new Error("at once")
    })
    await expect(thrown).rejects.toThrow("at once")
    await expect(queue.run(() => Promise.resolve("after"))).resolves.toBe("after")
  })
})
