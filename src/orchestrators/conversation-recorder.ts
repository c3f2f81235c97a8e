import { Raw, type DataSource } from "typeorm"
import type { Message, MessageStatus } from "../entities/message.entity"
import type { Operator } from "../entities/operator.entity"
import type { Orchestrator } from "../entities/orchestrator.entity"
import { Project } from "../entities/project.entity"
import type { User } from "../entities/user.entity"
import { UniqueViolationError } from "../errors"
import type { ConcreteMessage } from "../messages/concrete-message"
import { messageFromObj, type MessageSender } from "../messages/message-from-obj"
import { createMessage } from "../services/messages.service"
import { createOperator, getOperatorByName, updateOperator } from "../services/operators.service"
import { createOrchestrator, getOrchestratorByName } from "../services/orchestrators.service"
import { createProject } from "../services/projects.service"
import { createUser, getUser } from "../services/users.service"
import type { Session } from "../session"
import { withTransaction } from "../with-session"
import type { AgentOperator } from "./agent-operator"
import { projectBaseName, runOrdinalOf, runProjectName } from "./project-naming"

/** Who a `ConversationRecorder` records as: the user, the orchestrator and its operators. */
export interface RecorderIdentity {
  readonly userEmail: string
  readonly orchestratorName: string
  readonly orchestratorType: string
  readonly executive: AgentOperator
  readonly developer: AgentOperator
}

/** The rows of one recorded run. */
export interface RecordedRun {
  readonly user: User
  readonly orchestrator: Orchestrator
  readonly project: Project
  readonly prompt: string
  /** The stored operator of each agent. */
  readonly operators: ReadonlyMap<AgentOperator, Operator>
}

// Attempts at starting a run when a unique constraint says another process got there first
// (the same user created twice, or the same generated project name).
const START_ATTEMPTS = 8

// After this attempt, a generated project name skips ahead by one more each time.
const SKIP_AHEAD_AFTER = 4

/**
 * Persists a `SoftwareOrchestrator`'s conversation: on `start`, its user, orchestrator and
 * operators (found by email and name, created when missing) and a new project with the user's
 * prompt, in one transaction; then each message with `record`, one transaction each. No session
 * stays open between calls, so none is held while a model is answering.
 *
 * @example
 * const recorder = new ConversationRecorder(() => dataSource, identity)
 * const { run } = await recorder.start("Build a hello world page", prompt, "working")
 * await recorder.record(run, executive, plan, "working")
 */
export class ConversationRecorder {
  /**
   * @param dataSource where to store, asked again for each transaction (so a failed
   * `getDataSource()` is retried, not remembered)
   */
  constructor(
    private readonly dataSource: () => DataSource | Promise<DataSource>,
    private readonly identity: RecorderIdentity,
  ) {}

  /**
   * Finds or creates the user, orchestrator and operators, creates the run's project (named
   * `projectName`, or `"<start of prompt> #<n>"` with the next free n) and stores `userMessage`
   * from the user: one transaction.
   *
   * @throws UniqueViolationError when `projectName` is taken in the orchestrator.
   */
  async start(
    prompt: string,
    userMessage: ConcreteMessage,
    status: MessageStatus,
    projectName?: string,
  ): Promise<{ run: RecordedRun; row: Message }> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await withTransaction(async (s) => {
          const run = await this.begin(s, prompt, attempt, projectName)
          const row = await store(s, run, userMessage, { userId: run.user.id }, status)
          return { run, row }
        }, this.dataSource())
      } catch (error) {
        if (!(error instanceof UniqueViolationError) || attempt + 1 >= START_ATTEMPTS) throw error
      }
    }
  }

  /** Stores `message` from `sender` in the run's project: one transaction. */
  record(
    run: RecordedRun,
    sender: AgentOperator,
    message: ConcreteMessage,
    status: MessageStatus,
  ): Promise<Message> {
    const operator = run.operators.get(sender)
    if (!operator) throw new Error(`${sender.name} is not an operator of this orchestrator`)
    return withTransaction(
      (s) => store(s, run, message, { operatorId: operator.id }, status),
      this.dataSource(),
    )
  }

  private async begin(
    s: Session,
    prompt: string,
    attempt: number,
    projectName: string | undefined,
  ): Promise<RecordedRun> {
    const { userEmail, orchestratorName, orchestratorType, executive, developer } = this.identity
    const user = (await getUser(s, userEmail)) ?? (await createUser(s, { email: userEmail }))
    const orchestrator =
      (await getOrchestratorByName(s, orchestratorName, user.id)) ??
      (await createOrchestrator(s, {
        type: orchestratorType,
        name: orchestratorName,
        userId: user.id,
      }))
    const operators = new Map<AgentOperator, Operator>()
    for (const agent of [executive, developer]) {
      operators.set(agent, await ensureOperator(s, agent, orchestrator.id))
    }
    const name = projectName ?? (await nextRunName(s, prompt, orchestrator.id, attempt))
    const project = await createProject(s, {
      name,
      orchestratorId: orchestrator.id,
      executiveId: operators.get(executive)?.id ?? null,
      developerId: operators.get(developer)?.id ?? null,
    })
    return { user, orchestrator, project, prompt, operators }
  }
}

// The orchestrator's operator named after `agent`, created when missing; its instructions are
// brought up to date with the agent's, so the row says how the stored answers were asked for.
async function ensureOperator(
  s: Session,
  agent: AgentOperator,
  orchestratorId: string,
): Promise<Operator> {
  const existing = await getOperatorByName(s, agent.name, orchestratorId)
  if (!existing) {
    return createOperator(s, {
      instructions: agent.instructions,
      name: agent.name,
      title: agent.title,
      orchestratorId,
    })
  }
  if (existing.instructions === agent.instructions) return existing
  return (
    (await updateOperator(s, existing.id, orchestratorId, {
      instructions: agent.instructions,
    })) ?? existing
  )
}

// "<start of prompt> #<n>" with n one more than the highest taken. A retry reads again (the
// other process has committed its project by then); the last ones also skip ahead, in case
// the database matches names in a way the prefix query does not.
async function nextRunName(
  s: Session,
  prompt: string,
  orchestratorId: string,
  attempt: number,
): Promise<string> {
  const base = projectBaseName(prompt)
  const pattern = `${base.replace(/[!%_]/g, (c) => `!${c}`)} #%`
  const similar = await s.find(Project, {
    where: {
      orchestratorId,
      name: Raw((column) => `${column} LIKE :pattern ESCAPE '!'`, { pattern }),
    },
  })
  let highest = 0
  for (const project of similar) {
    highest = Math.max(highest, runOrdinalOf(project.name) ?? 0)
  }
  return runProjectName(base, highest + 1 + Math.max(0, attempt - SKIP_AHEAD_AFTER))
}

function store(
  s: Session,
  run: RecordedRun,
  message: ConcreteMessage,
  sender: MessageSender,
  status: MessageStatus,
): Promise<Message> {
  const row = messageFromObj(message, {
    ...sender,
    projectId: run.project.id,
    prompt: run.prompt,
    status,
  })
  return createMessage(s, {
    type: row.type,
    content: row.content,
    prompt: row.prompt ?? null,
    status: row.status,
    projectId: row.projectId,
    ...("userId" in sender && sender.userId ? { userId: sender.userId } : {}),
    ...("operatorId" in sender && sender.operatorId ? { operatorId: sender.operatorId } : {}),
  })
}
