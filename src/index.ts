import "reflect-metadata"

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
  QueryError,
  SessionStateError,
  NotFoundError,
} from "./errors"

export { Session, withSession, withTransaction, type SessionOptions } from "./session"

export { uuidv7, isUuid, uuidv7Timestamp } from "./uuid"

export { MetadataEntity } from "./mixins/metadata-entity"
export { ProfilePictureMixin, PROFILE_PICTURE_URL_LENGTH } from "./mixins/profile-picture.mixin"
export { TimestampColumn } from "./decorators/timestamp-column.decorator"
export { LongTextColumn } from "./decorators/long-text-column.decorator"

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
export { ConcreteNamingStrategy } from "./naming-strategy"

// --- DTOs and services ---

// --- message types and LLM clients ---

// --- orchestrators ---
