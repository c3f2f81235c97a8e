import { IsNull } from "typeorm"
import type { LlmClient } from "../clients/llm-client"
import { OpenAICompatibleClient } from "../clients/openai-compatible-client"
import { describeTarget, loadEnv } from "../data-source-options"
import { Project } from "../entities/project.entity"
import { migrate } from "../migrate"
import { demoClient } from "../orchestrators/demo-client"
import { SoftwareOrchestrator } from "../orchestrators/software-orchestrator"
import { withSession } from "../with-session"
import { CliError, EXIT_USAGE } from "./cli-error"
import type { Command, CliIo } from "./command"
import { conversationTable } from "./conversation-table"
import { loadConversation } from "./load-conversation"
import { withDatabase } from "./open-database"
import { plural } from "./plural"

/** The prompt `concrete-db demo` runs unless `--prompt` gives another. */
export const DEMO_PROMPT = "Build a hello world web page"

function clientFor(name: string, io: CliIo): LlmClient {
  if (name === "scripted") return demoClient()
  if (name === "openai") return new OpenAICompatibleClient({ env: loadEnv(io.cwd, io.env) })
  throw new CliError(`unknown client "${name}" (use "scripted" or "openai")`, EXIT_USAGE)
}

/**
 * `concrete-db demo`: what `npm start` runs. Applies pending migrations, runs a
 * `SoftwareOrchestrator` with `saveMessages: true` on a prompt, then prints the conversation as
 * read back from the database and where the database is.
 *
 * @example
 * // concrete-db demo --prompt "Build a hello world web page in French"
 */
export const demoCommand: Command = {
  name: "demo",
  summary: "Run a saved SoftwareOrchestrator on a prompt and print the stored conversation",
  description: [
    "Runs a SoftwareOrchestrator with saveMessages on a prompt: the executive plans the",
    "components, the developer writes each file, the executive summarises. Every message is",
    "committed as it arrives; the conversation is then read back from the database and printed.",
    "Each run is a new project; the user, orchestrator and operators are reused. Pending",
    "migrations are applied first. The default client is scripted (no network, deterministic);",
    "--client openai asks OPENAI_BASE_URL / OPENAI_MODEL with OPENAI_API_KEY.",
  ].join("\n"),
  args: [],
  options: {
    prompt: {
      type: "string",
      short: "p",
      valueName: "text",
      description: `what to build (default "${DEMO_PROMPT}")`,
    },
    client: {
      type: "string",
      valueName: "name",
      description: '"scripted" (default) or "openai"',
    },
  },
  async run({ options, io }) {
    const prompt = typeof options.prompt === "string" ? options.prompt : DEMO_PROMPT
    if (prompt.trim() === "") throw new CliError("--prompt must not be empty", EXIT_USAGE)
    const client = clientFor(typeof options.client === "string" ? options.client : "scripted", io)
    await withDatabase(io, { require: "any" }, async (dataSource) => {
      const target = describeTarget(dataSource.options)
      for (const migration of await migrate(dataSource)) {
        io.stdout(`Applied migration ${migration.name}\n`)
      }
      const orchestrator = new SoftwareOrchestrator({ client, saveMessages: true, dataSource })
      let project: Project | undefined
      io.stdout(`Running "${prompt}" …\n`)
      let saved = 0
      const result = await orchestrator
        .run(prompt, {
          onMessage: (entry) => {
            project ??= entry.project
            saved += 1
          },
        })
        .catch((error: unknown) => {
          if (!project) throw error
          const reason = error instanceof Error ? error.message : String(error)
          throw new CliError(
            `${reason} (saved so far: ${plural(saved, "message")} in project "${project.name}" (${project.id}))`,
          )
        })
      if (!project) throw new Error("the run stored no project")
      const { id, name, orchestratorId } = project
      const { rows, runs } = await withSession(
        async (s) => ({
          rows: await loadConversation(s, id),
          runs: await s.manager.count(Project, {
            where: { orchestratorId, directMessageOperatorId: IsNull() },
          }),
        }),
        dataSource,
      )
      const files = result.files.map((file) => file.fileName).join(", ")
      io.stdout(
        [
          "",
          `Project "${name}" (${id}): ${plural(rows.length, "message")} saved, read back from the database:`,
          "",
          conversationTable(rows),
          `Result: ${result.projectName}/ with ${plural(result.files.length, "file")} (${files})`,
          `Database: ${target}`,
          `Runs saved by "${orchestrator.orchestratorName}" of ${orchestrator.userEmail}: ${runs}`,
          "",
          `See it again:   concrete-db messages ${id}`,
          `Export it:      concrete-db export ${id} --out ${result.projectName}.zip`,
          "",
        ].join("\n"),
      )
    })
  },
}
