import { randomFillSync } from "node:crypto"

// Random bytes are drawn in blocks: one syscall per 256 ids instead of one per id.
const BYTES_PER_ID = 10
const pool = Buffer.alloc(256 * BYTES_PER_ID)
let poolOffset = pool.length

// The id is written as ASCII into one buffer and read out as one string: a string of 20 joined
// pieces is a tree that V8 copies into a flat string on first use (a Map key, a regex, a
// driver's bind), which cost more than writing the id.
const DIGITS = Buffer.from("0123456789abcdef", "latin1")
const text = Buffer.alloc(36)

function hex(at: number, byte: number): void {
  text[at] = DIGITS[byte >>> 4]!
  text[at + 1] = DIGITS[byte & 0x0f]!
}

let lastMs = -1
let counter = 0

/**
 * A new UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, and 62
 * random bits. Ids from one process increase strictly, even within one millisecond (the
 * counter, "method 1" of the RFC) and when the clock steps back, so they sort in creation order.
 *
 * @example
 * const id = uuidv7() // "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"
 */
export function uuidv7(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool)
    poolOffset = 0
  }
  const r = poolOffset
  poolOffset += BYTES_PER_ID
  const b = (i: number): number => pool[r + i]!

  let ms = Date.now()
  if (ms > lastMs) {
    lastMs = ms
    // Start the counter in its lower half so a burst within one millisecond has room to grow.
    counter = (b(0) << 3) | (b(1) & 0x07)
  } else {
    counter += 1
    if (counter > 0xfff) {
      lastMs += 1
      counter = 0
    }
    ms = lastMs
  }
  const high = Math.floor(ms / 0x1000000)
  const low = ms % 0x1000000
  hex(0, (high >>> 16) & 0xff)
  hex(2, (high >>> 8) & 0xff)
  hex(4, high & 0xff)
  hex(6, (low >>> 16) & 0xff)
  text[8] = 0x2d // "-"
  hex(9, (low >>> 8) & 0xff)
  hex(11, low & 0xff)
  text[13] = 0x2d
  hex(14, 0x70 | (counter >>> 8))
  hex(16, counter & 0xff)
  text[18] = 0x2d
  hex(19, 0x80 | (b(2) & 0x3f))
  hex(21, b(3))
  text[23] = 0x2d
  for (let i = 0; i < 6; i += 1) hex(24 + 2 * i, b(4 + i))
  return text.toString("latin1", 0, 36)
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** True when `value` is a UUID string of any version (8-4-4-4-12 hex digits). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value)
}

/** The Unix time in milliseconds encoded in a UUIDv7. */
export function uuidv7Timestamp(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
}
