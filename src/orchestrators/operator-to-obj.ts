import type { DataSource } from "typeorm"
import type { LlmClient } from "../clients/llm-client"
import { OpenAICompatibleClient } from "../clients/openai-compatible-client"
import { Operator } from "../entities/operator.entity"
import { AgentOperator } from "./agent-operator"
import { Developer } from "./developer"
import { Executive } from "./executive"

// `Operator.toObj()` lives here, not in the entity file: the entity layer does not depend on the
// agents. Importing the package (src/index.ts) installs it.

/** Options of `Operator.toObj()`. */
export interface OperatorToObjOptions {
  /** The model that answers for the agent. Default `new OpenAICompatibleClient()` (OPENAI_*). */
  readonly client?: LlmClient | undefined
  /**
   * Store what the agent's `chat()` is asked and answers in the operator's direct-message
   * project. Default true, as the original's `to_obj()` sets `store_messages=True`.
   */
  readonly saveMessages?: boolean | undefined
  /** Where it stores. Default `getDataSource()`. */
  readonly dataSource?: DataSource | Promise<DataSource> | undefined
}

declare module "../entities/operator.entity" {
  interface Operator {
    /**
     * This stored operator as an agent: an `Executive` when its title is "executive", a
     * `Developer` when it is "developer" (in any case), otherwise a plain `AgentOperator`;
     * with the operator's name, title and instructions, its id as `operatorId`, and its
     * direct-message project's id as `projectId` (when `directMessageProject` is loaded; else
     * `chat()` finds the project by the operator's id). It saves its direct messages unless
     * `saveMessages: false`.
     *
     * @throws TypeError when the name, title or instructions are empty.
     *
     * @example
     * const row = await getOperator(session, operatorId, orchestratorId)
     * const agent = row!.toObj({ client })
     * agent instanceof Developer // for a row with title "developer"
     * await agent.chat("What are you working on?") // stored in its direct-message project
     */
    toObj(options?: OperatorToObjOptions): AgentOperator
  }
}

/**
 * `operator` as an agent; what `operator.toObj(options)` returns.
 *
 * @example
 * const agent = operatorToObj(row, { client: new ScriptedClient([...]) })
 */
export function operatorToObj(
  operator: Operator,
  options: OperatorToObjOptions = {},
): AgentOperator {
  const settings = {
    client: options.client ?? new OpenAICompatibleClient(),
    name: operator.name,
    title: operator.title,
    instructions: operator.instructions,
    operatorId: operator.id,
    projectId: operator.directMessageProject?.id ?? undefined,
    saveMessages: options.saveMessages ?? true,
    dataSource: options.dataSource,
  }
  switch (typeof operator.title === "string" ? operator.title.trim().toLowerCase() : "") {
    case "executive":
      return new Executive(settings)
    case "developer":
      return new Developer(settings)
    default:
      return new AgentOperator(settings)
  }
}

Operator.prototype.toObj = function toObj(
  this: Operator,
  options?: OperatorToObjOptions,
): AgentOperator {
  return operatorToObj(this, options)
}
