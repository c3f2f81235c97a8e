import { crc32, inflateRawSync } from "node:zlib"

/** One file read back from a zip archive. */
export interface ZipFileRead {
  readonly name: string
  readonly data: Buffer
  readonly method: number
  readonly flags: number
  readonly dosTime: number
  readonly dosDate: number
  readonly externalAttributes: number
}

/**
 * Parses a zip archive the way an unzipper does: the end-of-central-directory record, each
 * central directory header, then each local header and its data, which is inflated and checked
 * against the CRC-32 and sizes both headers give. Throws on anything inconsistent.
 */
export function readZip(archive: Buffer): ZipFileRead[] {
  const endAt = archive.length - 22
  if (endAt < 0 || archive.readUInt32LE(endAt) !== 0x06054b50) {
    throw new Error("no end of central directory record (or an archive comment)")
  }
  const count = archive.readUInt16LE(endAt + 10)
  if (archive.readUInt16LE(endAt + 8) !== count) throw new Error("entry counts differ")
  const size = archive.readUInt32LE(endAt + 12)
  const start = archive.readUInt32LE(endAt + 16)
  if (start + size !== endAt) throw new Error("the central directory does not end at the EOCD")
  const files: ZipFileRead[] = []
  let at = start
  for (let i = 0; i < count; i += 1) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central header ${i}`)
    const flags = archive.readUInt16LE(at + 8)
    const method = archive.readUInt16LE(at + 10)
    const dosTime = archive.readUInt16LE(at + 12)
    const dosDate = archive.readUInt16LE(at + 14)
    const crc = archive.readUInt32LE(at + 16)
    const compressed = archive.readUInt32LE(at + 20)
    const uncompressed = archive.readUInt32LE(at + 24)
    const nameLength = archive.readUInt16LE(at + 28)
    const extraLength = archive.readUInt16LE(at + 30)
    const commentLength = archive.readUInt16LE(at + 32)
    const externalAttributes = archive.readUInt32LE(at + 38)
    const offset = archive.readUInt32LE(at + 42)
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString("utf8")
    at += 46 + nameLength + extraLength + commentLength

    if (archive.readUInt32LE(offset) !== 0x04034b50) throw new Error(`bad local header ${name}`)
    const local = {
      flags: archive.readUInt16LE(offset + 6),
      method: archive.readUInt16LE(offset + 8),
      crc: archive.readUInt32LE(offset + 14),
      compressed: archive.readUInt32LE(offset + 18),
      uncompressed: archive.readUInt32LE(offset + 22),
      nameLength: archive.readUInt16LE(offset + 26),
      extraLength: archive.readUInt16LE(offset + 28),
    }
    const localName = archive.subarray(offset + 30, offset + 30 + local.nameLength).toString("utf8")
    if (
      localName !== name ||
      local.flags !== flags ||
      local.method !== method ||
      local.crc !== crc ||
      local.compressed !== compressed ||
      local.uncompressed !== uncompressed
    ) {
      throw new Error(`local and central headers of ${name} differ`)
    }
    const dataAt = offset + 30 + local.nameLength + local.extraLength
    const raw = archive.subarray(dataAt, dataAt + compressed)
    let data: Buffer
    if (method === 8) data = inflateRawSync(raw)
    else if (method === 0) data = Buffer.from(raw)
    else throw new Error(`unknown method ${method} for ${name}`)
    if (data.length !== uncompressed) throw new Error(`size of ${name} differs`)
    if (crc32(data) !== crc) throw new Error(`CRC-32 of ${name} differs`)
    files.push({ name, data, method, flags, dosTime, dosDate, externalAttributes })
  }
  if (at !== endAt) throw new Error("the central directory holds more than its entries")
  return files
}
