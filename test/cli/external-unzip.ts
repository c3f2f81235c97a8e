import { spawnSync } from "node:child_process"

// The archives are checked by two independent readers. CI (.ci/run) installs both, and under
// CI=true a missing one fails the file at once; a local run without one skips those checks, each
// as a test of its own that shows up as skipped (see `itWith`).
function available(command: string): boolean {
  const probe = spawnSync(command, ["-h"], { stdio: "ignore" })
  const found = probe.error === undefined
  if (!found && process.env.CI === "true") {
    throw new Error(`${command} is not on PATH; CI needs it (.ci/run installs it with apt-get)`)
  }
  return found
}

/** Whether Info-ZIP's `unzip` (Debian's) is on PATH. */
export const HAS_UNZIP = available("unzip")

/** Whether `python3` is on PATH. */
export const HAS_PYTHON = available("python3")

/** `it` when `found`, else `it.skip` with the title saying which tool is missing. */
export function itWith(
  tool: "unzip" | "python3",
  found: boolean,
): (title: string, test: () => void) => void {
  return (title, test) => {
    if (found) it(title, test)
    else it.skip(`${title} [${tool} is not installed: skipped]`, test)
  }
}

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
