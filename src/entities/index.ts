import { AuthState } from "./auth-state.entity"
import { AuthToken } from "./auth-token.entity"
import { Client } from "./client.entity"
import { Log } from "./log.entity"
import { Message } from "./message.entity"
import { Node } from "./node.entity"
import { Operator } from "./operator.entity"
import { Orchestrator } from "./orchestrator.entity"
import { Project } from "./project.entity"
import { RepoNode } from "./repo-node.entity"
import { Tool } from "./tool.entity"
import { User } from "./user.entity"

/** Every built-in entity, in an order where a table comes after the tables it refers to. */
export const ENTITIES = [
  User,
  AuthState,
  AuthToken,
  Orchestrator,
  Operator,
  Client,
  Project,
  Tool,
  Message,
  Node,
  RepoNode,
  Log,
] as const
