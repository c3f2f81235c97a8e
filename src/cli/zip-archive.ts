import type { Readable } from "node:stream"
import { ZipFile } from "yazl"

/** One file of a zip archive. */
export interface ZipEntry {
  /** Its path inside the archive: relative, "/"-separated, without "." or ".." segments. */
  readonly name: string
  readonly data: Buffer | string
  /** Its modification time (default now); stored in local time, to 2 seconds, as zip does. */
  readonly modified?: Date
}

const FILE_MODE = 0o100644 // -rw-r--r--

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
 * A zip archive holding `entries`, as a stream (written by yazl: UTF-8 names, Unix mode
 * -rw-r--r--, each file deflated by `node:zlib` with its CRC-32, Zip64 when it grows past 4 GiB
 * or 65,535 entries). Readable by `unzip`, Python's `zipfile`, and every desktop archiver. The
 * names are checked before anything is written.
 *
 * @throws RangeError for an unsafe or duplicate name.
 *
 * @example
 * await pipeline(
 *   zipArchive([{ name: "hello/index.html", data: "<h1>Hello</h1>" }]),
 *   createWriteStream("hello.zip"),
 * )
 */
export function zipArchive(entries: readonly ZipEntry[]): Readable {
  const seen = new Set<string>()
  for (const { name } of entries) {
    const problem = zipEntryNameProblem(name)
    if (problem !== undefined) throw new RangeError(`the file name "${name}" ${problem}`)
    if (seen.has(name)) throw new RangeError(`the file name "${name}" appears twice`)
    seen.add(name)
  }
  const zip = new ZipFile()
  // yazl's output is a PassThrough (typed as the older NodeJS.ReadableStream); a compression
  // failure is emitted on the ZipFile, so it is passed on to the stream that is read.
  const output = zip.outputStream as Readable
  zip.on("error", (error: Error) => output.destroy(error))
  const now = new Date()
  for (const entry of entries) {
    const data = typeof entry.data === "string" ? Buffer.from(entry.data, "utf8") : entry.data
    zip.addBuffer(data, entry.name, {
      mtime: entry.modified ?? now,
      mode: FILE_MODE,
      // Deflating nothing yields 2 bytes.
      compress: data.length > 0,
      // The MS-DOS date and time alone, as every reader shows them (no Info-ZIP "UT" field).
      forceDosTimestamp: true,
    })
  }
  zip.end()
  return output
}
