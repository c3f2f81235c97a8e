import { randomBytes } from "node:crypto"
import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { zipArchive, zipEntryNameProblem, type ZipEntry } from "../../src/cli/zip-archive"
import { tempDirectory } from "./cli-process"
import { HAS_PYTHON, HAS_UNZIP, itWith, pythonUnzip, unzipTest } from "./external-unzip"
import { readZip } from "./read-zip"

const modified = new Date(2024, 1, 29, 13, 45, 58) // local time, as zip stores it

const entries: ZipEntry[] = [
  { name: "hello/index.html", data: "<h1>Hello, world!</h1>\n", modified },
  { name: "hello/docs/ünïcødé 🙂.md", data: "# Ünïcødé\n".repeat(50), modified },
  { name: "hello/empty.txt", data: "", modified },
  { name: "hello/noise.bin", data: randomBytes(70_000), modified },
  { name: "hello/big.txt", data: "all work and no play\n".repeat(20_000), modified },
]

function bytes(data: Buffer | string): Buffer {
  return typeof data === "string" ? Buffer.from(data, "utf8") : data
}

async function zipped(files: readonly ZipEntry[]): Promise<Buffer> {
  return Buffer.concat((await zipArchive(files).toArray()) as Buffer[])
}

describe("zipArchive", () => {
  const dir = tempDirectory()
  const file = join(dir, "test.zip")
  let archive: Buffer
  beforeAll(async () => {
    archive = await zipped(entries)
    writeFileSync(file, archive)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("reads back entry by entry: names, contents, CRC-32 and sizes", () => {
    const files = readZip(archive)
    expect(files.map((f) => f.name)).toEqual(entries.map((e) => e.name))
    files.forEach((f, i) => expect(f.data.equals(bytes(entries[i]!.data))).toBe(true))
  })

  it("deflates every non-empty file, stores the empty one, and marks names as UTF-8", () => {
    const files = readZip(archive)
    expect(files.map((f) => f.method)).toEqual([8, 8, 0, 8, 8])
    expect(files.every((f) => (f.flags & 0x0800) !== 0)).toBe(true)
    expect(files.every((f) => f.externalAttributes >>> 16 === 0o100644)).toBe(true)
    const big = entries[4]!.data.length
    expect(archive.length).toBeLessThan(70_000 + big / 10)
  })

  it("stores the modification time as MS-DOS local date and time", () => {
    const [first] = readZip(archive)
    expect(first!.dosDate).toBe(((2024 - 1980) << 9) | (2 << 5) | 29)
    expect(first!.dosTime).toBe((13 << 11) | (45 << 5) | (58 >> 1))
  })

  itWith("python3", HAS_PYTHON)("is a valid zip for Python's zipfile", () => {
    const read = pythonUnzip(file)
    expect(read.names).toEqual(entries.map((e) => e.name))
    for (const entry of entries) {
      expect(Buffer.from(read.contents[entry.name]!, "base64").equals(bytes(entry.data))).toBe(true)
    }
    expect(read.dates[0]).toEqual([2024, 2, 29, 13, 45, 58])
  })

  itWith("unzip", HAS_UNZIP)("passes unzip -t", () => {
    const { ok, output } = unzipTest(file)
    expect(output).toContain("No errors detected")
    expect(ok).toBe(true)
  })

  it("makes an empty archive of just the end record", async () => {
    const empty = await zipped([])
    expect(empty.length).toBe(22)
    expect(readZip(empty)).toEqual([])
  })

  it("refuses unsafe and duplicate names", () => {
    for (const name of ["", "/etc/passwd", "../x", "a/../b", "a\\b", "C:/x", "a//b", "./a", "a/"]) {
      expect(zipEntryNameProblem(name)).toBeDefined()
      expect(() => zipArchive([{ name, data: "x" }])).toThrow(RangeError)
    }
    expect(zipEntryNameProblem("src/app/index.ts")).toBeUndefined()
    expect(() =>
      zipArchive([
        { name: "a.txt", data: "1" },
        { name: "a.txt", data: "2" },
      ]),
    ).toThrow('the file name "a.txt" appears twice')
  })
})
