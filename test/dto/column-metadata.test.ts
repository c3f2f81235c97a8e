import { getMetadataStorage } from "class-validator"
import { getMetadataArgsStorage } from "typeorm"
import type { ColumnMetadataArgs } from "typeorm/metadata-args/ColumnMetadataArgs"
import {
  AuthState,
  AuthStateCreate,
  AuthToken,
  AuthTokenCreate,
  Client,
  ClientCreate,
  ClientUpdate,
  LONG_TEXT_MAX_BYTES,
  Log,
  LogCreate,
  Message,
  MessageCreate,
  MessageUpdate,
  Node,
  NodeCreate,
  NodeUpdate,
  Operator,
  OperatorCreate,
  OperatorUpdate,
  Orchestrator,
  OrchestratorCreate,
  OrchestratorUpdate,
  Project,
  ProjectCreate,
  ProjectUpdate,
  RepoNode,
  RepoNodeCreate,
  RepoNodeUpdate,
  TEXT_MAX_BYTES,
  Tool,
  ToolCreate,
  User,
  UserCreate,
  UserUpdate,
} from "../../src"
import { describeEachDatabase } from "../support/databases"

type Class = abstract new (...args: never[]) => object

const PAIRS: readonly (readonly [Class, Class])[] = [
  [UserCreate, User],
  [UserUpdate, User],
  [OrchestratorCreate, Orchestrator],
  [OrchestratorUpdate, Orchestrator],
  [OperatorCreate, Operator],
  [OperatorUpdate, Operator],
  [ClientCreate, Client],
  [ClientUpdate, Client],
  [ProjectCreate, Project],
  [ProjectUpdate, Project],
  [ToolCreate, Tool],
  [MessageCreate, Message],
  [MessageUpdate, Message],
  [NodeCreate, Node],
  [NodeUpdate, Node],
  [RepoNodeCreate, RepoNode],
  [RepoNodeUpdate, RepoNode],
  [AuthStateCreate, AuthState],
  [AuthTokenCreate, AuthToken],
  [LogCreate, Log],
]

const UPDATES = new Map<Class, Class>([
  [UserUpdate, UserCreate],
  [OrchestratorUpdate, OrchestratorCreate],
  [OperatorUpdate, OperatorCreate],
  [ClientUpdate, ClientCreate],
  [ProjectUpdate, ProjectCreate],
  [MessageUpdate, MessageCreate],
  [NodeUpdate, NodeCreate],
  [RepoNodeUpdate, RepoNodeCreate],
])

// The columns TypeORM knows for an entity, its base classes (mixins, MetadataEntity) included.
function columnsOf(Entity: Class): ColumnMetadataArgs[] {
  const all = getMetadataArgsStorage().columns
  const columns: ColumnMetadataArgs[] = []
  for (let target: unknown = Entity; typeof target === "function";) {
    columns.push(...all.filter((column) => column.target === target))
    target = Object.getPrototypeOf(target)
  }
  return columns
}

function checksOf(Dto: Class): Map<string, Map<string, unknown[] | undefined>> {
  const byProperty = new Map<string, Map<string, unknown[] | undefined>>()
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(Dto, "", false, false)) {
    const checks = byProperty.get(metadata.propertyName) ?? new Map<string, unknown[] | undefined>()
    checks.set(metadata.name ?? metadata.type, metadata.constraints)
    byProperty.set(metadata.propertyName, checks)
  }
  return byProperty
}

const GENERATED = new Set(["id", "createdAt", "updatedAt"])

describe.each(PAIRS.map(([Dto, Entity]) => [Dto.name, Dto, Entity] as const))(
  "%s against its entity's column metadata",
  (_name, Dto, Entity) => {
    const columns = new Map(columnsOf(Entity).map((column) => [column.propertyName, column]))
    const checks = checksOf(Dto)

    it("declares only properties that are columns of the entity, none generated", () => {
      expect(checks.size).toBeGreaterThan(0)
      for (const property of checks.keys()) {
        expect({ property, column: columns.has(property) }).toEqual({ property, column: true })
        expect(GENERATED.has(property)).toBe(false)
      }
    })

    it("limits every varchar property to the column's length", () => {
      for (const [property, propertyChecks] of checks) {
        const length = columns.get(property)?.options.length
        if (length === undefined) {
          expect({ property, maxLength: propertyChecks.has("maxLength") }).toEqual({
            property,
            maxLength: false,
          })
        } else {
          expect({ property, maxLength: propertyChecks.get("maxLength")?.[0] }).toEqual({
            property,
            maxLength: Number(length),
          })
        }
      }
    })

    it("limits every text property in UTF-8 bytes, and checks every uuid property", () => {
      for (const [property, propertyChecks] of checks) {
        const type = columns.get(property)?.options.type
        if (type === "text") {
          const max = propertyChecks.get("maxUtf8Bytes")?.[0]
          expect({ property, max: typeof max === "number" && max <= LONG_TEXT_MAX_BYTES }).toEqual({
            property,
            max: true,
          })
        }
        if (type === "uuid")
          expect({ property, uuid: propertyChecks.has("isUuid") }).toEqual({ property, uuid: true })
      }
    })

    it("refuses the NUL character in every string property", () => {
      for (const [property, propertyChecks] of checks) {
        if (!propertyChecks.has("isString")) continue
        expect({ property, nul: propertyChecks.has("storableText") }).toEqual({
          property,
          nul: true,
        })
      }
    })

    it("accepts null only where the column is nullable", () => {
      for (const [property, propertyChecks] of checks) {
        if (!propertyChecks.has("isOptional")) continue
        expect({ property, nullable: columns.get(property)?.options.nullable === true }).toEqual({
          property,
          nullable: true,
        })
      }
    })

    if (UPDATES.has(Dto)) {
      it("lets an Update change only properties its Create sets", () => {
        const create = checksOf(UPDATES.get(Dto)!)
        for (const property of checks.keys()) expect(create.has(property)).toBe(true)
      })
    } else {
      it("requires every column that is not nullable and has no default", () => {
        for (const [property, column] of columns) {
          if (GENERATED.has(property) || column.mode !== "regular") continue
          if (column.options.nullable === true || column.options.default !== undefined) continue
          const propertyChecks = checks.get(property)
          expect({ property, declared: propertyChecks !== undefined }).toEqual({
            property,
            declared: true,
          })
          const conditional =
            propertyChecks!.has("isOptional") || propertyChecks!.has("conditionalValidation")
          expect({ property, required: !conditional }).toEqual({ property, required: true })
        }
      })
    }
  },
)

describeEachDatabase(
  "DTO byte limits against MySQL/MariaDB column types",
  (db) => {
    it("gives a TEXT column 65,535 bytes and a LONGTEXT column at most 12 MiB", () => {
      const { dataSource } = db()
      for (const [Dto, Entity] of PAIRS) {
        const metadata = dataSource.getMetadata(Entity)
        for (const [property, propertyChecks] of checksOf(Dto)) {
          const type = metadata.findColumnWithPropertyName(property)?.type
          const max = propertyChecks.get("maxUtf8Bytes")?.[0]
          const where = `${Dto.name}.${property}`
          if (type === "text") expect({ where, max }).toEqual({ where, max: TEXT_MAX_BYTES })
          if (type === "longtext")
            expect({ where, max }).toEqual({ where, max: LONG_TEXT_MAX_BYTES })
        }
      }
    })
  },
  { only: ["mariadb"] },
)
