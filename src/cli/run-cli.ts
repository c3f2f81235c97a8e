import { parseArgs } from "node:util"
import { loadEnv } from "../data-source-options"
import { ConcreteDbError } from "../errors"
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "./cli-error"
import type { CliIo, Command } from "./command"
import { demoCommand } from "./demo-command"
import { exportCommand } from "./export-command"
import { messagesCommand } from "./messages-command"
import { migrateCommand } from "./migrate-command"
import { migrationGenerateCommand } from "./migration-generate-command"
import { migrationRevertCommand } from "./migration-revert-command"
import { migrationShowCommand } from "./migration-show-command"
import { redactSecrets } from "./redact-secrets"
import { statusCommand } from "./status-command"

/** The commands of `concrete-db`, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  migrateCommand,
  migrationGenerateCommand,
  migrationRevertCommand,
  migrationShowCommand,
  statusCommand,
  messagesCommand,
  exportCommand,
]

const ENVIRONMENT_HELP = [
  "Environment:",
  "  DB_DRIVER, DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT, DB_DATABASE, or DATABASE_URL",
  "  (a .env file is read too); none set: the SQLite file sql_app.db in this directory.",
  "  DB_ENTITIES, DB_MIGRATIONS: comma-separated globs of the application's compiled entity and",
  "  migration files, relative to this directory.",
  "",
  "Exit codes: 0 success, 1 failure (unknown project, bad configuration, database error),",
  "2 wrong command line.",
].join("\n")

/**
 * The text of `concrete-db --help`: usage, the commands, the environment and exit codes.
 *
 * @example
 * io.stdout(generalHelp())
 */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length))
  return [
    "Usage: concrete-db <command> [options]",
    "",
    "The database layer of Concrete: run the demo, migrate, and read what orchestrators saved.",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    'Run "concrete-db <command> --help" for a command\'s arguments and options.',
    "",
    ENVIRONMENT_HELP,
    "",
  ].join("\n")
}

/**
 * The text of `concrete-db <command> --help`: usage, description and options.
 *
 * @example
 * io.stdout(commandHelp(exportCommand)) // "Usage: concrete-db export <project> [options]\n…"
 */
export function commandHelp(command: Command): string {
  const args = command.args.map((arg) => (arg.required ? ` <${arg.name}>` : ` [${arg.name}]`))
  const flags = Object.entries(command.options).map(([name, option]) => {
    const value = option.type === "string" ? ` <${option.valueName ?? "value"}>` : ""
    const short = option.short ? `-${option.short}, ` : "    "
    return [`${short}--${name}${value}`, option.description] as const
  })
  flags.push(["-h, --help", "show this help"])
  const width = Math.max(...flags.map(([flag]) => flag.length))
  return [
    `Usage: concrete-db ${command.name}${args.join("")}${Object.keys(command.options).length > 0 ? " [options]" : ""}`,
    "",
    command.description,
    "",
    "Options:",
    ...flags.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
    "",
    ENVIRONMENT_HELP,
    "",
  ].join("\n")
}

/**
 * Runs `concrete-db` with `argv` (the arguments after the program name) and returns the exit
 * code. An error is written as one line on `io.stderr`, with secrets of the environment masked.
 *
 * @example
 * process.exitCode = await runCli(["messages", "Hello #1", "--json"], {
 *   stdout: (text) => process.stdout.write(text),
 *   stderr: (text) => process.stderr.write(text),
 *   env: process.env,
 *   cwd: process.cwd(),
 * })
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: Command | undefined
  try {
    const [name, ...rest] = argv
    if (name === undefined) throw new CliError("missing command", EXIT_USAGE)
    if (name === "--help" || name === "-h" || name === "help") {
      const topic = rest[0] === undefined ? undefined : findCommand(rest[0])
      io.stdout(topic ? commandHelp(topic) : generalHelp())
      return 0
    }
    command = findCommand(name)
    const { values, positionals } = parse(command, rest)
    if (values.help === true) {
      io.stdout(commandHelp(command))
      return 0
    }
    const missing = command.args.find(
      (arg, index) => arg.required && positionals[index] === undefined,
    )
    if (missing) throw new CliError(`missing argument <${missing.name}>`, EXIT_USAGE)
    if (positionals.length > command.args.length) {
      throw new CliError(`unexpected argument "${positionals[command.args.length]}"`, EXIT_USAGE)
    }
    await command.run({ args: positionals, options: values, io })
    return 0
  } catch (error) {
    const code = error instanceof CliError ? error.exitCode : EXIT_FAILURE
    let text = error instanceof Error ? error.message : String(error)
    const explained = error instanceof CliError || error instanceof ConcreteDbError
    if (!explained && error instanceof Error && !/^error$/i.test(error.name)) {
      text = `${error.name}: ${text}`
    }
    if (code === EXIT_USAGE) {
      text += ` (see "concrete-db ${command ? `${command.name} ` : ""}--help")`
    }
    const line = redact(io, text).replace(/\s*\n\s*/g, " ")
    io.stderr(`concrete-db${command ? ` ${command.name}` : ""}: ${line}\n`)
    return code
  }
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.name === name)
  if (command) return command
  const known = COMMANDS.map((candidate) => candidate.name).join(", ")
  throw new CliError(`unknown command "${name}" (commands: ${known})`, EXIT_USAGE)
}

function parse(
  command: Command,
  args: readonly string[],
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  }
  for (const [name, option] of Object.entries(command.options)) {
    options[name] = option.short
      ? { type: option.type, short: option.short }
      : { type: option.type }
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
    })
    return { values, positionals }
  } catch (error) {
    const code = (error as { code?: string }).code
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      // parseArgs' messages run on with advice about "--"; the first sentence says it.
      const first = (error as Error).message.split(/\.\s/)[0]?.replace(/\.$/, "") ?? "bad option"
      throw new CliError(first.charAt(0).toLowerCase() + first.slice(1), EXIT_USAGE)
    }
    throw error
  }
}

// Secrets of the environment the command saw (.env included) never reach the terminal.
function redact(io: CliIo, text: string): string {
  let env = io.env
  try {
    env = loadEnv(io.cwd, io.env)
  } catch {
    // an unreadable .env: mask what the process environment holds
  }
  return redactSecrets(env, text)
}
