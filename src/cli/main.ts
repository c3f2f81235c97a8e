#!/usr/bin/env node
import "reflect-metadata"
import { runCli } from "./run-cli"

// The `concrete-db` command (package.json "bin"); `npm start` runs `concrete-db demo` from source.
runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`concrete-db: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
