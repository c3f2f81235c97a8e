import type { EntityManager } from "typeorm"
import { AuthToken, Client, Message, Operator, Orchestrator, Project, Tool, User } from "../../src"

let counter = 0
export function unique(prefix: string): string {
  counter += 1
  return `${prefix}-${process.pid}-${counter}`
}

export function make<T extends object>(Type: new () => T, fields: Partial<T>): T {
  return Object.assign(new Type(), fields)
}

/** A user with one orchestrator, two operators, a client, a project with messages, a token and tools. */
export interface Graph {
  user: User
  orchestrator: Orchestrator
  executive: Operator
  developer: Operator
  client: Client
  project: Project
  messages: Message[]
  token: AuthToken
  tool: Tool
}

/** Builds and saves a whole graph with plain TypeORM, parents first. */
export async function saveGraph(manager: EntityManager): Promise<Graph> {
  const user = await manager.save(make(User, { email: `${unique("user")}@example.com` }))
  const orchestrator = await manager.save(
    make(Orchestrator, { type: "software", name: unique("orch").slice(0, 32), userId: user.id }),
  )
  const executive = await manager.save(
    make(Operator, {
      name: "Executive",
      title: "executive",
      instructions: "Plan the work.",
      orchestratorId: orchestrator.id,
    }),
  )
  const developer = await manager.save(
    make(Operator, {
      name: "Developer",
      title: "developer",
      instructions: "Write the code.",
      orchestratorId: orchestrator.id,
    }),
  )
  const client = await manager.save(
    make(Client, { orchestratorId: orchestrator.id, operatorId: developer.id }),
  )
  const project = await manager.save(
    make(Project, {
      name: "Hello world",
      orchestratorId: orchestrator.id,
      executiveId: executive.id,
      developerId: developer.id,
    }),
  )
  const messages = [
    make(Message, {
      type: "textmessage",
      content: '{"text":"hi"}',
      projectId: project.id,
      userId: user.id,
    }),
    make(Message, {
      type: "textmessage",
      content: '{"text":"hello"}',
      projectId: project.id,
      operatorId: developer.id,
    }),
  ]
  await manager.save(messages)
  const token = await manager.save(make(AuthToken, { refreshToken: "refresh", userId: user.id }))
  const tool = await manager.save(make(Tool, { name: "search" }))
  user.tools = [tool]
  orchestrator.tools = [tool]
  developer.tools = [tool]
  await manager.save([user, orchestrator, developer])
  return { user, orchestrator, executive, developer, client, project, messages, token, tool }
}
