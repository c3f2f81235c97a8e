import {
  type Operator,
  type Orchestrator,
  type Session,
  type User,
  createOperator,
  createOrchestrator,
  createUser,
} from "../../src"
import { unique } from "../support/graph"

/** A new user and one orchestrator of theirs, through the services (flushed, not committed). */
export async function seedOwner(s: Session): Promise<{ user: User; orchestrator: Orchestrator }> {
  const user = await createUser(s, { email: `${unique("user")}@example.com` })
  const orchestrator = await createOrchestrator(s, {
    type: "software",
    name: unique("orch").slice(-32),
    userId: user.id,
  })
  return { user, orchestrator }
}

/** A new operator of the orchestrator (with its direct-message project). */
export function seedOperator(
  s: Session,
  orchestratorId: string,
  name = unique("op"),
): Promise<Operator> {
  return createOperator(s, {
    instructions: "Write the code.",
    name,
    title: "developer",
    orchestratorId,
  })
}

/** The rejection of `promise`, or a failure when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection, but the promise resolved")
}
