import { open, rm } from "node:fs/promises"
import { resolve } from "node:path"
import type { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import "../messages/message-to-obj"
import { ProjectDirectory } from "../messages/project-directory"
import { getCompletedProject } from "../services/messages.service"
import { withSession } from "../with-session"
import { CliError, EXIT_USAGE } from "./cli-error"
import type { Command } from "./command"
import { findProject } from "./find-project"
import { withDatabase } from "./open-database"
import { plural } from "./plural"
import { zipArchive, zipEntryNameProblem } from "./zip-archive"

/**
 * `concrete-db export <project> --out file.zip`: writes a project's completed `ProjectDirectory`
 * (its newest "projectdirectory" message) as a zip, the files under the project's directory
 * name.
 *
 * @example
 * // concrete-db export "Build a hello world web page #1" --out hello.zip && unzip -l hello.zip
 */
export const exportCommand: Command = {
  name: "export",
  summary: "Write a project's completed ProjectDirectory as a zip file",
  description: [
    "Writes the files of a project's result (its newest ProjectDirectory message) to a zip",
    "archive, inside a folder named after the directory. <project> is a project id or name.",
    "An existing file is not overwritten unless --force is given.",
  ].join("\n"),
  args: [{ name: "project", required: true }],
  options: {
    out: { type: "string", short: "o", valueName: "file", description: "the zip file to write" },
    force: { type: "boolean", short: "f", description: "overwrite the file if it exists" },
  },
  async run({ args, options, io }) {
    const reference = args[0] ?? ""
    const out = options.out
    if (typeof out !== "string" || out === "") {
      throw new CliError("missing --out <file>", EXIT_USAGE)
    }
    await withDatabase(io, { require: "current" }, async (dataSource) => {
      const { project, row } = await withSession(
        async (s) => {
          const { project } = await findProject(s, reference)
          return { project, row: await getCompletedProject(s, project.id) }
        },
        dataSource,
        { readOnly: true },
      )
      if (!row) {
        throw new CliError(
          `project "${project.name}" (${project.id}) has no completed ProjectDirectory yet`,
        )
      }
      const directory = row.toObj()
      if (!(directory instanceof ProjectDirectory)) {
        throw new CliError(`message ${row.id} is a ${row.type}, not a ProjectDirectory`)
      }
      const folder = entryName(directory.projectName, "the directory name")
      const entries = directory.files.map((file) => ({
        name: `${folder}/${entryName(file.fileName, "the file name")}`,
        data: file.fileContents,
        modified: row.createdAt,
      }))
      const archive = zipArchive(entries)
      const path = resolve(io.cwd, out)
      await writeArchive(archive, path, options.force === true)
      const names = directory.files.map((file) => file.fileName).join(", ")
      io.stdout(
        `Wrote ${path}: ${folder}/ with ${plural(entries.length, "file")} (${names}) from project "${project.name}" (${project.id})\n`,
      )
    })
  },
}

// `name` as a safe archive path: "./" prefixes and backslashes normalised, anything escaping
// the folder refused.
function entryName(name: string, what: string): string {
  const normalised = name.replace(/\\/g, "/").replace(/^(\.\/)+/, "")
  const problem = zipEntryNameProblem(normalised)
  if (problem !== undefined) {
    throw new CliError(`${what} "${name}" cannot be exported: it ${problem}`)
  }
  return normalised
}

// Streams the archive into `path`; a file that exists is kept unless `overwrite`, and a file this
// run began is removed again if writing it fails.
async function writeArchive(archive: Readable, path: string, overwrite: boolean): Promise<void> {
  let file
  try {
    file = await open(path, overwrite ? "w" : "wx")
  } catch (error) {
    archive.destroy()
    const code = (error as NodeJS.ErrnoException).code
    if (code === "EEXIST") throw new CliError(`${path} exists (use --force to overwrite it)`)
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`)
  }
  try {
    await pipeline(archive, file.createWriteStream())
  } catch (error) {
    await rm(path, { force: true })
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`)
  }
}
