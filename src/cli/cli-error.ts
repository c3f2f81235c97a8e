/** Exit code of a command that failed (unknown project, bad configuration, database error). */
export const EXIT_FAILURE = 1

/** Exit code of a command line that is wrong (unknown command or option, missing argument). */
export const EXIT_USAGE = 2

/**
 * An error the CLI reports as one line on stderr, exiting with `exitCode`: `EXIT_USAGE` for a
 * wrong command line (the message then points at `--help`), else `EXIT_FAILURE`.
 *
 * @example
 * throw new CliError(`no project has the id or name "${reference}"`)
 * throw new CliError("missing argument <project>", EXIT_USAGE)
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message)
    this.name = "CliError"
  }
}
