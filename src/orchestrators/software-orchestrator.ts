import type { DataSource } from "typeorm"
import type { LlmClient } from "../clients/llm-client"
import { getDataSource } from "../create-data-source"
import { MessageStatus, type Message } from "../entities/message.entity"
import type { Project } from "../entities/project.entity"
import { ValidationError } from "../errors"
import type { ConcreteMessage } from "../messages/concrete-message"
import { ProjectDirectory } from "../messages/project-directory"
import type { ProjectFile } from "../messages/project-file"
import { TextMessage } from "../messages/text-message"
import { type AgentOperator, locateDirectMessagesWith } from "./agent-operator"
import { ConversationRecorder, type RecordedRun } from "./conversation-recorder"
import { Developer } from "./developer"
import { Executive } from "./executive"
import { directoryName, projectBaseName } from "./project-naming"

/** The user a `SoftwareOrchestrator` records as unless `userEmail` says otherwise. */
export const DEFAULT_USER_EMAIL = "user@concrete.local"

/** The orchestrator's stored name unless `orchestratorName` says otherwise. */
export const DEFAULT_ORCHESTRATOR_NAME = "Software Orchestrator"

/** The stored `Orchestrator.type` of a `SoftwareOrchestrator`. */
export const SOFTWARE_ORCHESTRATOR_TYPE = "software"

/** Options of a `SoftwareOrchestrator`. */
export interface SoftwareOrchestratorOptions {
  /** The model both operators ask (unless `executive`/`developer` bring their own). */
  readonly client: LlmClient
  /**
   * Store every message passing through the orchestrator, with its user, orchestrator,
   * operators and one project per run. Default false: no database is touched.
   */
  readonly saveMessages?: boolean
  /**
   * Where messages are stored (only with `saveMessages`); it must be migrated. Default:
   * `getDataSource()`, the shared one built from the environment, migrated on first use.
   */
  readonly dataSource?: DataSource | Promise<DataSource>
  /** The email of the user the prompts are stored as. Default `DEFAULT_USER_EMAIL`. */
  readonly userEmail?: string
  /** The orchestrator's stored name (unique per user). Default `DEFAULT_ORCHESTRATOR_NAME`. */
  readonly orchestratorName?: string
  /**
   * The planning and summarising operator. Default `new Executive({ client })`, saving its
   * direct messages (`executive.chat()`) when the orchestrator saves messages.
   */
  readonly executive?: Executive
  /** The operator writing the files. Default `new Developer({ client })`, saving likewise. */
  readonly developer?: Developer
}

/** One message passing through a `SoftwareOrchestrator` run, as `onMessage` sees it. */
export interface ConversationEntry {
  readonly message: ConcreteMessage
  /** "user" for the prompt, else the operator who answered. */
  readonly sender: "user" | AgentOperator
  readonly status: MessageStatus
  /** The stored row (with `saveMessages` only), committed before `onMessage` is called. */
  readonly row?: Message
  /** The run's project (with `saveMessages` only). */
  readonly project?: Project
}

/** Options of one `SoftwareOrchestrator.run`. */
export interface RunOptions {
  /**
   * The project's name (with `saveMessages`; it must be free in the orchestrator). Default
   * `"<start of the prompt> #<n>"` with the next free n. Also names the result's directory.
   */
  readonly projectName?: string
  /** Called with each message as it passes (after it is stored); an error ends the run. */
  readonly onMessage?: (entry: ConversationEntry) => void | Promise<void>
  /** Cancels the run's model requests. */
  readonly signal?: AbortSignal
}

/**
 * Runs a software project from a prompt with two operators: the executive plans the components
 * (`PlannedComponents`), the developer writes each one (a `ProjectFile` each), the executive
 * summarises them (`Summary`), and the result is a `ProjectDirectory` of the files.
 *
 * With `saveMessages: true`, every message passing through it is stored as it arrives: the user's
 * prompt (a `TextMessage` from the user) and each operator's answer, with type, JSON content,
 * prompt, status and sender, each in a transaction of its own, and the final `ProjectDirectory`
 * (sent by the developer) with status "finished"; the others have status "working". Its user,
 * orchestrator and operators are found by email and names (created on first use, reused later)
 * and each run gets a project of its own. No transaction is open while a model answers. When a
 * model fails, the messages answered so far stay stored, nothing is marked finished, and the
 * error propagates. Without `saveMessages` no database is touched.
 *
 * Its own executive and developer (those it makes when none is given) save their direct
 * messages too when it saves: `orchestrator.developer.chat("…")` stores the question and the
 * answer in the developer's direct-message project.
 *
 * @example
 * const orchestrator = new SoftwareOrchestrator({ client: new OpenAICompatibleClient(), saveMessages: true })
 * const result = await orchestrator.run("Build a hello world web page")
 * result.files.map((file) => file.fileName) // ["index.html", "README.md"]
 */
export class SoftwareOrchestrator {
  readonly executive: Executive
  readonly developer: Developer
  readonly saveMessages: boolean
  readonly userEmail: string
  readonly orchestratorName: string
  readonly #dataSource: DataSource | Promise<DataSource> | undefined
  #recorder: ConversationRecorder | undefined

  constructor(options: SoftwareOrchestratorOptions) {
    const own = {
      client: options.client,
      saveMessages: options.saveMessages ?? false,
      dataSource: options.dataSource,
    }
    this.executive = options.executive ?? new Executive(own)
    this.developer = options.developer ?? new Developer(own)
    if (this.executive.name === this.developer.name) {
      throw new TypeError(
        `The executive and the developer need different names (both are "${this.executive.name}")`,
      )
    }
    this.saveMessages = options.saveMessages ?? false
    this.userEmail = options.userEmail ?? DEFAULT_USER_EMAIL
    this.orchestratorName = options.orchestratorName ?? DEFAULT_ORCHESTRATOR_NAME
    this.#dataSource = options.dataSource
    // Its own operators (made above, saving when it saves, to its data source) find their
    // stored operator as a run would: by email and names, created when missing.
    if (this.saveMessages) {
      if (!options.executive) this.locateDirectMessages(this.executive)
      if (!options.developer) this.locateDirectMessages(this.developer)
    }
  }

  /**
   * Runs a project from `prompt` and returns its files. See the class for what is stored.
   *
   * @throws ValidationError for an empty prompt; whatever the client or the database throws.
   */
  async run(prompt: string, options: RunOptions = {}): Promise<ProjectDirectory> {
    if (typeof prompt !== "string" || prompt.trim() === "") {
      throw new ValidationError([{ property: "prompt", reasons: ["must not be empty"] }])
    }
    const { signal, onMessage } = options
    const recorder = this.saveMessages ? this.recorder() : undefined
    let run: RecordedRun | undefined
    const pass = async (
      sender: "user" | AgentOperator,
      message: ConcreteMessage,
      status: MessageStatus,
    ): Promise<void> => {
      let row: Message | undefined
      if (recorder) {
        if (sender === "user") {
          const started = await recorder.start(prompt, message, status, options.projectName)
          run = started.run
          row = started.row
        } else if (run) {
          row = await recorder.record(run, sender, message, status)
        }
      }
      await onMessage?.({ message, sender, status, row, project: run?.project })
    }

    await pass("user", new TextMessage({ text: prompt }), MessageStatus.Working)
    const plan = await this.executive.planComponents(prompt, { signal })
    await pass(this.executive, plan, MessageStatus.Working)
    const files: ProjectFile[] = []
    for (const component of plan.components) {
      const file = await this.developer.implementComponent(
        { prompt, components: plan.components, component, files: [...files] },
        { signal },
      )
      await pass(this.developer, file, MessageStatus.Working)
      files.push(file)
    }
    const summary = await this.executive.summarize(prompt, files, { signal })
    await pass(this.executive, summary, MessageStatus.Working)
    const name = options.projectName ?? run?.project.name ?? projectBaseName(prompt)
    const directory = new ProjectDirectory({
      projectName: directoryName(name),
      files: latestByName(files),
    })
    await pass(this.developer, directory, MessageStatus.Finished)
    return directory
  }

  private locateDirectMessages(agent: AgentOperator): void {
    locateDirectMessagesWith(agent, () => this.recorder().directMessageTarget(agent))
  }

  private recorder(): ConversationRecorder {
    this.#recorder ??= new ConversationRecorder(() => this.#dataSource ?? getDataSource(), {
      userEmail: this.userEmail,
      orchestratorName: this.orchestratorName,
      orchestratorType: SOFTWARE_ORCHESTRATOR_TYPE,
      executive: this.executive,
      developer: this.developer,
    })
    return this.#recorder
  }
}

// The files with one per name: a later file of the same name replaces the earlier one in place.
function latestByName(files: readonly ProjectFile[]): ProjectFile[] {
  const byName = new Map<string, ProjectFile>()
  for (const file of files) byName.set(file.fileName, file)
  return [...byName.values()]
}
