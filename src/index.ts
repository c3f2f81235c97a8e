import "reflect-metadata"
// Gives `Message` its `toObj()`: the messages layer supplies it, the entity does not import messages.
import "./messages/message-to-obj"

export {
  ConcreteDbError,
  ConfigurationError,
  ValidationError,
  type ValidationIssue,
  ConstraintViolationError,
  type ConstraintLocation,
  UniqueViolationError,
  ForeignKeyViolationError,
  CheckViolationError,
  NotNullViolationError,
  ConnectionError,
  CommitOutcomeUnknownError,
  QueryError,
  TransactionConflictError,
  StatementTimeoutError,
  SessionStateError,
  StaleUpdateError,
  NotFoundError,
  UnknownEntityError,
  MissingTableError,
} from "./errors"

export { Session, type SessionOptions } from "./session"
export { withSession, withTransaction } from "./with-session"

export { uuidv7, isUuid, uuidv7Timestamp } from "./uuid"

export { MetadataEntity } from "./mixins/metadata-entity"
export { ProfilePictureMixin, PROFILE_PICTURE_URL_LENGTH } from "./mixins/profile-picture.mixin"
export { TimestampColumn } from "./decorators/timestamp-column.decorator"
export { LongTextColumn } from "./decorators/long-text-column.decorator"
export { CheckHint } from "./decorators/check-hint.decorator"

export { User } from "./entities/user.entity"
export { Orchestrator } from "./entities/orchestrator.entity"
export { Operator } from "./entities/operator.entity"
export { Client } from "./entities/client.entity"
export { Project } from "./entities/project.entity"
export { Tool } from "./entities/tool.entity"
export { Message, MessageStatus, MESSAGE_STATUSES } from "./entities/message.entity"
export { Node } from "./entities/node.entity"
export { RepoNode } from "./entities/repo-node.entity"
export { AuthState } from "./entities/auth-state.entity"
export { AuthToken } from "./entities/auth-token.entity"
export { Log } from "./entities/log.entity"

export {
  dataSourceOptionsFromEnv,
  describeTarget,
  loadEnv,
  type Env,
  DEFAULT_SQLITE_FILE,
} from "./data-source-options"
export {
  createDataSource,
  getDataSource,
  closeDataSource,
  type DataSourceExtra,
} from "./create-data-source"
export { migrate, type MigrateOptions } from "./migrate"
export {
  portableColumnType,
  isResumableMigration,
  type PortableKind,
  type PortableColumnType,
  type ResumableMigration,
} from "./migration-helpers"
export { ConcreteNamingStrategy } from "./naming-strategy"

// --- DTOs and services ---
export { parseDto, type DtoClass, FORBIDDEN_KEYS } from "./dto/parse-dto"
export {
  StorableText,
  MaxUtf8Bytes,
  IsOptionalNotNull,
  ExactlyOneOf,
  WHEN_SET,
  MESSAGE_CONTENT_MAX_BYTES,
  LONG_TEXT_MAX_BYTES,
  TEXT_MAX_BYTES,
} from "./dto/validators"
export { UserCreate, UserUpdate } from "./dto/user.dto"
export { OrchestratorCreate, OrchestratorUpdate } from "./dto/orchestrator.dto"
export { OperatorCreate, OperatorUpdate } from "./dto/operator.dto"
export { ClientCreate, ClientUpdate, TEMPERATURE_RANGE } from "./dto/client.dto"
export { ProjectCreate, ProjectUpdate } from "./dto/project.dto"
export { ToolCreate } from "./dto/tool.dto"
export { MessageCreate, MessageUpdate } from "./dto/message.dto"
export { NodeCreate, NodeUpdate } from "./dto/node.dto"
export { RepoNodeCreate, RepoNodeUpdate } from "./dto/repo-node.dto"
export { AuthStateCreate } from "./dto/auth-state.dto"
export { AuthTokenCreate } from "./dto/auth-token.dto"
export { LogCreate } from "./dto/log.dto"
export { type Pagination, DEFAULT_LIMIT, MAX_LIMIT } from "./services/pagination"
export {
  directMessageProjectName,
  PROJECT_NAME_LENGTH,
} from "./services/direct-message-project-name"
export {
  createUser,
  getUser,
  createAuthState,
  getAuthState,
  createAuthToken,
} from "./services/users.service"
export {
  createOrchestrator,
  getOrchestrator,
  getOrchestratorByName,
  getOrchestrators,
  updateOrchestrator,
  deleteOrchestrator,
  type GetOrchestratorsOptions,
} from "./services/orchestrators.service"
export {
  createOperator,
  getOperator,
  getOperatorByName,
  getOperators,
  updateOperator,
  deleteOperator,
} from "./services/operators.service"
export {
  createClient,
  getClient,
  getClients,
  updateClient,
  deleteClient,
} from "./services/clients.service"
export {
  createProject,
  getProject,
  getProjectByName,
  getProjects,
  updateProject,
  deleteProject,
  type GetProjectsOptions,
} from "./services/projects.service"
export {
  createTool,
  assignToolToUser,
  assignToolToOrchestrator,
  assignToolToOperator,
  getToolByName,
  getUserTools,
  getOrchestratorTools,
  getOperatorTools,
} from "./services/tools.service"
export {
  createMessage,
  getMessage,
  getMessages,
  getMessagePage,
  getCompletedProject,
  updateMessage,
  deleteMessage,
  COMPLETED_PROJECT_MESSAGE_TYPE,
  type GetMessagesOptions,
} from "./services/messages.service"
export type { MessagePage } from "./services/message-page"
export { createNode } from "./services/nodes.service"
export {
  createRepoNode,
  getRepoNode,
  updateRepoNode,
  getRootRepoNode,
  getRepoNodeByPath,
} from "./services/repo-nodes.service"
export { writeLog, getLogs } from "./services/logs.service"

// --- message types and LLM clients ---
export { MessageDecodeError, LlmClientError, type LlmClientErrorReason } from "./errors"
export { ConcreteMessage, type MessageClass } from "./messages/concrete-message"
export {
  field,
  type MessageField,
  type MessageFields,
  type MessageData,
  type StringField,
  type NumberField,
  type IntegerField,
  type BooleanField,
  type ArrayField,
  type NestedField,
} from "./messages/message-field"
export { messageJsonSchema, type JsonSchema } from "./messages/message-json-schema"
export {
  MessageRegistry,
  messageRegistry,
  registerMessageType,
  MessageType,
  BUILT_IN_MESSAGE_TYPES,
  MESSAGE_TYPE_MAX_LENGTH,
} from "./messages/message-registry"
export { decodeMessage, type StoredMessage } from "./messages/decode-message"
export {
  messageFromObj,
  type MessageFromObjOptions,
  type MessageSender,
} from "./messages/message-from-obj"
export { TextMessage } from "./messages/text-message"
export { Param } from "./messages/param"
export { ToolCall } from "./messages/tool-call"
export { PlannedComponents } from "./messages/planned-components"
export { Summary } from "./messages/summary"
export { ProjectFile } from "./messages/project-file"
export { ProjectDirectory } from "./messages/project-directory"
export { ChildNodeSummary } from "./messages/child-node-summary"
export { NodeSummary } from "./messages/node-summary"
export { NodeUUID } from "./messages/node-uuid"
export { Rating } from "./messages/rating"
export {
  type LlmClient,
  type ChatMessage,
  type ChatRole,
  type CompletionRequest,
} from "./clients/llm-client"
export { ScriptedClient, type ScriptedAnswer, type ScriptFunction } from "./clients/scripted-client"
export {
  OpenAICompatibleClient,
  type OpenAICompatibleClientOptions,
  DEFAULT_OPENAI_BASE_URL,
  DEFAULT_OPENAI_MODEL,
  DEFAULT_LLM_TIMEOUT_MS,
  DEFAULT_LLM_MAX_RETRIES,
} from "./clients/openai-compatible-client"
export { type LlmLogger, type LlmLogLevel, LLM_LOG_LEVELS } from "./clients/llm-logger"

// --- orchestrators ---
export {
  AgentOperator,
  type AgentOperatorOptions,
  type AnswerOptions,
} from "./orchestrators/agent-operator"
export { Executive, EXECUTIVE_INSTRUCTIONS, type ExecutiveOptions } from "./orchestrators/executive"
export {
  Developer,
  DEVELOPER_INSTRUCTIONS,
  type DeveloperOptions,
  type ComponentTask,
} from "./orchestrators/developer"
export {
  SoftwareOrchestrator,
  DEFAULT_USER_EMAIL,
  DEFAULT_ORCHESTRATOR_NAME,
  SOFTWARE_ORCHESTRATOR_TYPE,
  type SoftwareOrchestratorOptions,
  type RunOptions,
  type ConversationEntry,
} from "./orchestrators/software-orchestrator"
export { demoClient } from "./orchestrators/demo-client"
// Installs Operator.prototype.toObj (the entity layer does not import the agents).
export { operatorToObj, type OperatorToObjOptions } from "./orchestrators/operator-to-obj"
