import type { DataSource } from "typeorm"
import { Message, Operator, Orchestrator, Project, Session, User } from "../../src"
import { make, unique } from "./graph"

export interface Owned {
  user: User
  orchestrator: Orchestrator
  operator: Operator
  project: Project
}

/** New (unsaved) user → orchestrator → operator and project, linked through relations. */
export function newOwned(): Owned {
  const user = make(User, { email: `${unique("u")}@example.com` })
  const orchestrator = make(Orchestrator, { type: "software", name: unique("o").slice(-32), user })
  const operator = make(Operator, {
    name: "Developer",
    title: "developer",
    instructions: "Write code.",
    orchestrator,
  })
  const project = make(Project, { name: unique("p").slice(-64), orchestrator })
  orchestrator.operators = [operator]
  orchestrator.projects = [project]
  return { user, orchestrator, operator, project }
}

/** `newOwned()`, committed on `dataSource` (the user, the orchestrator and what it owns). */
export async function committedOwned(dataSource: DataSource): Promise<Owned> {
  const owned = newOwned()
  await using session = new Session(dataSource)
  session.addAll([owned.user, owned.orchestrator])
  await session.commit()
  return owned
}

export function newMessage(
  project: Project,
  sender: { user?: User; operator?: Operator },
  text = "hi",
): Message {
  return make(Message, {
    type: "textmessage",
    content: JSON.stringify({ text }),
    project,
    ...(sender.user ? { user: sender.user } : {}),
    ...(sender.operator ? { operator: sender.operator } : {}),
  })
}
