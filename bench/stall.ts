import { existsSync, readFileSync } from "node:fs"

/** The longest event-loop stall seen while a monitor ran. */
export interface Stall {
  /** The longest time between two turns of a 1 ms timer, ms: what a server in the process sees. */
  readonly wallMs: number
  /**
   * The main thread's CPU time in that stall, ms (at most `wallMs`): the part the process's own
   * work caused, which time given to other processes does not inflate. Only the main thread
   * counts: SQLite's checkpoint worker and V8's helper threads do not stop the loop.
   */
  readonly cpuMs: number
}

const MAIN_THREAD_STAT = `/proc/self/task/${process.pid}/schedstat`
const perThread = existsSync(MAIN_THREAD_STAT)

// CPU time of the main thread so far, ms (Linux); of the whole process elsewhere.
function mainThreadCpuMs(): number {
  if (perThread) return Number(readFileSync(MAIN_THREAD_STAT, "utf8").split(" ")[0]) / 1e6
  const used = process.cpuUsage()
  return (used.user + used.system) / 1000
}

/**
 * Starts watching the event loop with a 1 ms timer; the function returned stops it and gives the
 * longest stall since, the stretch from the timer's last turn to the call included (work that
 * ran to its end without a turn is one stall).
 */
export function watchEventLoop(): () => Stall {
  let longest: Stall = { wallMs: 0, cpuMs: 0 }
  let lastWall = performance.now()
  let lastCpu = mainThreadCpuMs()
  const look = (): void => {
    const wall = performance.now()
    const cpu = mainThreadCpuMs()
    if (wall - lastWall > longest.wallMs) {
      longest = { wallMs: wall - lastWall, cpuMs: Math.min(wall - lastWall, cpu - lastCpu) }
    }
    lastWall = wall
    lastCpu = cpu
  }
  const timer = setInterval(look, 1)
  return () => {
    look()
    clearInterval(timer)
    return longest
  }
}
