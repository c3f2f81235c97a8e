import { crc32, deflateRawSync } from "node:zlib"

/** One file of a zip archive. */
export interface ZipEntry {
  /** Its path inside the archive: relative, "/"-separated, without "." or ".." segments. */
  readonly name: string
  readonly data: Buffer | string
  /** Its modification time (default now); stored in local time, to 2 seconds, as zip does. */
  readonly modified?: Date
}

const LOCAL_HEADER = 0x04034b50
const CENTRAL_HEADER = 0x02014b50
const END_OF_CENTRAL_DIRECTORY = 0x06054b50
const VERSION_NEEDED = 20 // 2.0: deflate
const VERSION_MADE_BY = (3 << 8) | 20 // Unix, so the external attributes are Unix modes
const FLAG_UTF8 = 0x0800
const STORED = 0
const DEFLATED = 8
const FILE_MODE = 0o100644
const MAX_16 = 0xffff
const MAX_32 = 0xffffffff

/**
 * The path `name` as a zip entry name, or an error message when it is not a safe one: empty,
 * absolute, with a drive letter, a backslash, a NUL, or a "." or ".." segment.
 *
 * @example
 * zipEntryNameProblem("../etc/passwd") // 'has a ".." segment'
 * zipEntryNameProblem("src/index.html") // undefined
 */
export function zipEntryNameProblem(name: string): string | undefined {
  if (name === "") return "is empty"
  if (name.includes("\u0000")) return "contains a NUL character"
  if (name.includes("\\")) return "contains a backslash"
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "is absolute"
  const segments = name.split("/")
  if (segments.some((segment) => segment === "..")) return 'has a ".." segment'
  if (segments.some((segment) => segment === "." || segment === "")) {
    return 'has an empty or "." segment'
  }
  return undefined
}

/**
 * A zip archive (PKZIP 2.0, UTF-8 names) holding `entries`: each deflated with `node:zlib`, or
 * stored when deflating does not make it smaller, with its CRC-32. Readable by `unzip`,
 * Python's `zipfile`, and every desktop archiver.
 *
 * @throws RangeError for an unsafe or duplicate name, or an archive too big for zip without
 * Zip64 (65,535 entries, 4 GiB).
 *
 * @example
 * writeFileSync("hello.zip", zipArchive([{ name: "hello/index.html", data: "<h1>Hello</h1>" }]))
 */
export function zipArchive(entries: readonly ZipEntry[]): Buffer {
  if (entries.length > MAX_16) throw new RangeError(`a zip holds at most ${MAX_16} entries`)
  const chunks: Buffer[] = []
  const central: Buffer[] = []
  const seen = new Set<string>()
  let offset = 0
  for (const entry of entries) {
    const problem = zipEntryNameProblem(entry.name)
    if (problem !== undefined) throw new RangeError(`the file name "${entry.name}" ${problem}`)
    if (seen.has(entry.name)) throw new RangeError(`the file name "${entry.name}" appears twice`)
    seen.add(entry.name)
    const name = Buffer.from(entry.name, "utf8")
    const data = typeof entry.data === "string" ? Buffer.from(entry.data, "utf8") : entry.data
    if (name.length > MAX_16) throw new RangeError(`the file name "${entry.name}" is too long`)
    if (data.length >= MAX_32 || offset >= MAX_32) {
      throw new RangeError("the archive is too big for zip without Zip64")
    }
    const deflated = deflateRawSync(data)
    const method = deflated.length < data.length ? DEFLATED : STORED
    const body = method === DEFLATED ? deflated : data
    const checksum = crc32(data)
    const { time, date } = dosDateTime(entry.modified ?? new Date())

    const local = Buffer.alloc(30)
    local.writeUInt32LE(LOCAL_HEADER, 0)
    local.writeUInt16LE(VERSION_NEEDED, 4)
    local.writeUInt16LE(FLAG_UTF8, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(time, 10)
    local.writeUInt16LE(date, 12)
    local.writeUInt32LE(checksum, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28) // extra field length

    const header = Buffer.alloc(46)
    header.writeUInt32LE(CENTRAL_HEADER, 0)
    header.writeUInt16LE(VERSION_MADE_BY, 4)
    header.writeUInt16LE(VERSION_NEEDED, 6)
    header.writeUInt16LE(FLAG_UTF8, 8)
    header.writeUInt16LE(method, 10)
    header.writeUInt16LE(time, 12)
    header.writeUInt16LE(date, 14)
    header.writeUInt32LE(checksum, 16)
    header.writeUInt32LE(body.length, 20)
    header.writeUInt32LE(data.length, 24)
    header.writeUInt16LE(name.length, 28)
    header.writeUInt16LE(0, 30) // extra field length
    header.writeUInt16LE(0, 32) // comment length
    header.writeUInt16LE(0, 34) // disk number
    header.writeUInt16LE(0, 36) // internal attributes
    header.writeUInt32LE((FILE_MODE << 16) >>> 0, 38) // external attributes: -rw-r--r--
    header.writeUInt32LE(offset, 42)

    chunks.push(local, name, body)
    central.push(header, name)
    offset += local.length + name.length + body.length
  }
  const directory = Buffer.concat(central)
  if (offset + directory.length >= MAX_32) {
    throw new RangeError("the archive is too big for zip without Zip64")
  }
  const end = Buffer.alloc(22)
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0)
  end.writeUInt16LE(0, 4) // this disk
  end.writeUInt16LE(0, 6) // disk of the central directory
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  end.writeUInt16LE(0, 20) // comment length
  return Buffer.concat([...chunks, directory, end])
}

// MS-DOS date and time fields (local time, 2-second resolution, 1980 to 2107).
function dosDateTime(moment: Date): { time: number; date: number } {
  const year = Math.min(Math.max(moment.getFullYear(), 1980), 2107)
  const early = moment.getFullYear() < 1980
  const month = early ? 1 : moment.getMonth() + 1
  const day = early ? 1 : moment.getDate()
  const time = early
    ? 0
    : (moment.getHours() << 11) | (moment.getMinutes() << 5) | (moment.getSeconds() >> 1)
  return { time, date: ((year - 1980) << 9) | (month << 5) | day }
}
