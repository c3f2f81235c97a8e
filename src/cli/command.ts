import type { Env } from "../data-source-options"

/** Where a command writes and what it reads: the process's, or a test's. */
export interface CliIo {
  /** Writes `text` as is (commands add their own newlines). */
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** The environment (`.env` in `cwd` is read on top of it, as the library does). */
  readonly env: Env
  readonly cwd: string
}

/** One option of a command, as `node:util` `parseArgs` takes it, with its help line. */
export interface CommandOption {
  readonly type: "string" | "boolean"
  readonly short?: string
  /** The value's name in help, e.g. "file" for `--out <file>`. */
  readonly valueName?: string
  readonly description: string
}

/** What a command is given: its positional arguments, its options and the io. */
export interface CommandContext {
  readonly args: readonly string[]
  readonly options: Readonly<Record<string, string | boolean | undefined>>
  readonly io: CliIo
}

/**
 * A `concrete-db` subcommand: its name, help, arguments and options, and what it does. Errors it
 * throws are printed as one line; a `CliError` chooses the exit code.
 *
 * @example
 * const hello: Command = {
 *   name: "hello",
 *   summary: "Say hello",
 *   description: "Says hello to <name>.",
 *   args: [{ name: "name", required: true }],
 *   options: {},
 *   run: async ({ args, io }) => io.stdout(`Hello, ${args[0]}\n`),
 * }
 */
export interface Command {
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** What `--help` says below the usage line. */
  readonly description: string
  readonly args: readonly { readonly name: string; readonly required: boolean }[]
  readonly options: Readonly<Record<string, CommandOption>>
  run(context: CommandContext): Promise<void>
}
