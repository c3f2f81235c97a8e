import { spawnSync } from "node:child_process"

function available(command: string): boolean {
  const probe = spawnSync(command, ["-h"], { stdio: "ignore" })
  return probe.error === undefined
}

/** Whether Info-ZIP's `unzip` (Debian's) is on PATH. */
export const HAS_UNZIP = available("unzip")

/** Whether `python3` is on PATH. */
export const HAS_PYTHON = available("python3")

/** `unzip -t`'s verdict on the archive: its output, and whether it found no errors. */
export function unzipTest(file: string): { ok: boolean; output: string } {
  const run = spawnSync("unzip", ["-t", file], { encoding: "utf8" })
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` }
}

/**
 * The archive's files as Python's `zipfile` reads them (name to contents, base64), after its
 * `testzip()` CRC check, with each file's date_time.
 */
export function pythonUnzip(file: string): {
  names: string[]
  contents: Record<string, string>
  dates: number[][]
} {
  const script = [
    "import base64, json, sys, zipfile",
    "z = zipfile.ZipFile(sys.argv[1])",
    "bad = z.testzip()",
    "assert bad is None, bad",
    "infos = z.infolist()",
    "print(json.dumps({'names': [i.filename for i in infos],",
    "  'contents': {i.filename: base64.b64encode(z.read(i)).decode() for i in infos},",
    "  'dates': [list(i.date_time) for i in infos]}))",
  ].join("\n")
  const run = spawnSync("python3", ["-c", script, file], { encoding: "utf8" })
  if (run.status !== 0) throw new Error(`python3 zipfile failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as ReturnType<typeof pythonUnzip>
}
