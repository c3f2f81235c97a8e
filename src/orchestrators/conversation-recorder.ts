import { In, type DataSource } from "typeorm"
import { MessageCreate } from "../dto/message.dto"
import { ProjectCreate } from "../dto/project.dto"
import type { Message, MessageStatus } from "../entities/message.entity"
import { Operator as OperatorRow } from "../entities/operator.entity"
import { Orchestrator as OrchestratorRow } from "../entities/orchestrator.entity"
import { Project } from "../entities/project.entity"
import type { User } from "../entities/user.entity"
import { NotFoundError, UniqueViolationError } from "../errors"
import type { ConcreteMessage } from "../messages/concrete-message"
import {
  messageFromObj,
  type MessageFromObjOptions,
  type MessageSender,
} from "../messages/message-from-obj"
import { stageMessage } from "../services/messages.service"
import { createOperator, getOperatorByName, updateOperator } from "../services/operators.service"
import { createOrchestrator, getOrchestratorByName } from "../services/orchestrators.service"
import { createProject } from "../services/projects.service"
import { idKey, textKey } from "../services/lookup-keys"
import { createUser, getUser } from "../services/users.service"
import { PrefixCondition } from "../internal/read/prefix-condition"
import type { Session } from "../session"
import { withTransaction } from "../with-session"
import type { AgentOperator } from "./agent-operator"
import { highestRunOrdinal } from "./highest-run-ordinal"
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
  readonly orchestrator: OrchestratorRow
  readonly project: Project
  readonly prompt: string
  /** The stored operator of each agent. */
  readonly operators: ReadonlyMap<AgentOperator, OperatorRow>
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
    return this.retrying(async (s, attempt) => {
      const run = await this.begin(s, prompt, attempt, projectName)
      const row = await store(
        s,
        run.project.id,
        run.prompt,
        userMessage,
        { userId: run.user.id },
        status,
      )
      return { run, row }
    })
  }

  /**
   * Where `agent` (the executive or the developer) keeps its direct messages: its operator's
   * direct-message project, the operator and the user; the user, orchestrator and operator are
   * found or created as `start` does. One transaction, closed before it returns.
   *
   * @throws NotFoundError when the stored operator has no direct-message project.
   */
  directMessageTarget(agent: AgentOperator): Promise<DirectMessageTarget> {
    return this.retrying(async (s) => {
      const { user, orchestrator } = await this.owner(s)
      const operator = await ensureOperator(s, agent, orchestrator.id)
      return { ...(await directMessageProjectOf(s, operator.id)), userId: user.id }
    })
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
    return recordMessage(
      this.dataSource,
      { projectId: run.project.id, prompt: run.prompt },
      message,
      { operatorId: operator.id },
      status,
    )
  }

  // Runs `work` in a transaction, again when a unique constraint says another process created
  // the same user, orchestrator, operator or project name first.
  private async retrying<T>(work: (s: Session, attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await withTransaction((s) => work(s, attempt), this.dataSource())
      } catch (error) {
        if (!(error instanceof UniqueViolationError) || attempt + 1 >= START_ATTEMPTS) throw error
      }
    }
  }

  // The user and the orchestrator, found by email and name or created.
  private async owner(s: Session): Promise<{ user: User; orchestrator: OrchestratorRow }> {
    const { userEmail, orchestratorName, orchestratorType } = this.identity
    const user = (await getUser(s, userEmail)) ?? (await createUser(s, { email: userEmail }))
    const orchestrator =
      (await getOrchestratorByName(s, orchestratorName, user.id)) ??
      (await createOrchestrator(s, {
        type: orchestratorType,
        name: orchestratorName,
        userId: user.id,
      }))
    return { user, orchestrator }
  }

  private async begin(
    s: Session,
    prompt: string,
    attempt: number,
    projectName: string | undefined,
  ): Promise<RecordedRun> {
    const { executive, developer } = this.identity
    const { user, orchestrator } = await this.owner(s)
    const operators = await ensureOperators(s, [executive, developer], orchestrator.id)
    const name = projectName ?? (await nextRunName(s, prompt, orchestrator.id, attempt))
    // A ProjectCreate is validated as it is, without class-transformer copying a plain object.
    const project = await createProject(
      s,
      Object.assign(new ProjectCreate(), {
        name,
        orchestratorId: orchestrator.id,
        executiveId: operators.get(executive)?.id ?? null,
        developerId: operators.get(developer)?.id ?? null,
      }),
    )
    return { user, orchestrator, project, prompt, operators }
  }
}

// The orchestrator's operator named after `agent`, created when missing; its instructions are
// brought up to date with the agent's, so the row says how the stored answers were asked for.
async function ensureOperator(
  s: Session,
  agent: AgentOperator,
  orchestratorId: string,
): Promise<OperatorRow> {
  return ensuredOperator(
    s,
    agent,
    orchestratorId,
    await getOperatorByName(s, agent.name, orchestratorId),
  )
}

// `existing` (the stored operator named after `agent`, or null) brought up to date, or created.
async function ensuredOperator(
  s: Session,
  agent: AgentOperator,
  orchestratorId: string,
  existing: OperatorRow | null,
): Promise<OperatorRow> {
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

// The orchestrator's operator of each agent, as `ensureOperator` one after the other gives it,
// the stored ones read in one statement. Names compare as the database compares them: an agent
// whose name equals none of the rows found exactly (MySQL may ignore case) is looked up alone,
// as before, when a row was found or created that its name might equal.
async function ensureOperators(
  s: Session,
  agents: readonly AgentOperator[],
  orchestratorId: string,
): Promise<Map<AgentOperator, OperatorRow>> {
  const operators = new Map<AgentOperator, OperatorRow>()
  const names = agents.map((agent) => textKey(agent.name))
  const owner = idKey(orchestratorId)
  if (owner === undefined || names.some((name) => name === undefined)) {
    for (const agent of agents) operators.set(agent, await ensureOperator(s, agent, orchestratorId))
    return operators
  }
  const found = await s.find(OperatorRow, {
    where: { orchestratorId: owner, name: In(names as string[]) },
  })
  // Also after creating one: another agent's name may equal it as the database compares.
  let lookAlone = found.length > 0
  for (const agent of agents) {
    let existing = found.find((row) => row.name === agent.name)
    if (!existing && lookAlone) {
      existing = (await getOperatorByName(s, agent.name, owner)) ?? undefined
    }
    const operator = await ensuredOperator(s, agent, owner, existing ?? null)
    if (!existing) lookAlone = true
    operators.set(agent, operator)
  }
  return operators
}

// "<start of prompt> #<n>" with n one more than the highest taken, found by reading a page of
// names (highest-run-ordinal.ts). A retry, after another process took the name, reads every
// name that starts with the prefix instead, in case the database counts characters in a way the
// page's query does not; the last retries also skip ahead, in case it matches names in a way
// the prefix query does not.
async function nextRunName(
  s: Session,
  prompt: string,
  orchestratorId: string,
  attempt: number,
): Promise<string> {
  const base = projectBaseName(prompt)
  let highest = 0
  if (attempt === 0) {
    highest = await highestRunOrdinal(s, base, orchestratorId)
  } else {
    // One cached statement on the session's own read path (`name LIKE ? ESCAPE '!'`).
    const similar = await s.find(Project, {
      where: { orchestratorId, name: PrefixCondition.startsWith(`${base} #`) },
    })
    for (const project of similar) {
      highest = Math.max(highest, runOrdinalOf(project.name) ?? 0)
    }
  }
  return runProjectName(base, highest + 1 + Math.max(0, attempt - SKIP_AHEAD_AFTER))
}

/** Where an operator's direct messages are stored, and who asks it. */
export interface DirectMessageTarget {
  /** The operator's direct-message project. */
  readonly projectId: string
  /** The stored operator: the sender of the answers. */
  readonly operatorId: string
  /** The user owning the operator's orchestrator: the sender of the questions. */
  readonly userId: string
}

/**
 * The direct-message target of the stored operator `operatorId`: its direct-message project
 * (`projectId` when given, else the project whose `directMessageOperatorId` it is) and the user
 * owning its orchestrator. One transaction, closed before it returns.
 *
 * @throws NotFoundError when the operator, its orchestrator or its project does not exist.
 */
export function findDirectMessageTarget(
  dataSource: DataSource | Promise<DataSource>,
  operatorId: string,
  projectId?: string,
): Promise<DirectMessageTarget> {
  return withTransaction(async (s) => {
    const operator = await s.get(OperatorRow, operatorId.toLowerCase())
    if (!operator) throw new NotFoundError(`Operator ${operatorId} does not exist.`)
    const orchestrator = await s.get(OrchestratorRow, operator.orchestratorId)
    if (!orchestrator) {
      throw new NotFoundError(`Orchestrator ${operator.orchestratorId} does not exist.`)
    }
    const project =
      projectId === undefined
        ? await directMessageProjectOf(s, operator.id)
        : { projectId: projectId.toLowerCase(), operatorId: operator.id }
    return { ...project, userId: orchestrator.userId }
  }, dataSource)
}

async function directMessageProjectOf(
  s: Session,
  operatorId: string,
): Promise<{ projectId: string; operatorId: string }> {
  const project = await s.findOne(Project, { where: { directMessageOperatorId: operatorId } })
  if (!project) {
    throw new NotFoundError(`Operator ${operatorId} has no direct-message project.`)
  }
  return { projectId: project.id, operatorId }
}

/**
 * Stores `message` from `sender` in a project, answering `prompt`: one transaction of its own,
 * committed before it returns (so none is open afterwards, while a model answers).
 *
 * @example
 * await recordMessage(() => dataSource, { projectId, prompt }, answer, { operatorId }, "finished")
 */
export function recordMessage(
  dataSource: () => DataSource | Promise<DataSource>,
  where: { readonly projectId: string; readonly prompt: string },
  message: ConcreteMessage,
  sender: MessageSender,
  status: MessageStatus,
): Promise<Message> {
  return withTransaction(
    (s) => store(s, where.projectId, where.prompt, message, sender, status),
    dataSource(),
  )
}

function store(
  s: Session,
  projectId: string,
  prompt: string,
  message: ConcreteMessage,
  sender: MessageSender,
  status: MessageStatus,
): Promise<Message> {
  // Plain stores, no object spreads: this runs for every recorded message.
  const options = {
    userId: sender.userId ?? null,
    operatorId: sender.operatorId ?? null,
    projectId,
    prompt,
    status,
  } as MessageFromObjOptions
  const row = messageFromObj(message, options)
  // Staged, not flushed: the transaction's commit writes it (alone, when it is all there is).
  // Built as a MessageCreate (which declares no transformations), it is validated as it is,
  // without class-transformer copying a plain object into one first. A sender left unset is
  // left out, not null.
  const create = new MessageCreate()
  create.type = row.type
  create.content = row.content
  create.prompt = row.prompt ?? null
  create.status = row.status
  create.projectId = row.projectId
  if (row.userId) create.userId = row.userId
  if (row.operatorId) create.operatorId = row.operatorId
  return stageMessage(s, create)
}
