import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { DataSource } from "typeorm"
import { createDataSource, type DataSourceExtra, type Env } from "../../src"
import {
  ALL_KINDS,
  AVAILABLE_ENV,
  createServerDatabase,
  dropServerDatabase,
  envFor,
  type DatabaseKind,
} from "./servers"

/** A fresh database of one kind, created for one test file and dropped after it. */
export interface TestDatabase {
  readonly kind: DatabaseKind
  /** `DB_*` variables pointing at this database. */
  readonly env: Env
  /** The data source the suite shares: initialized, migrations applied. */
  readonly dataSource: DataSource
  /** Another data source on the same database (not initialized), closed after the file. */
  createDataSource(extra?: DataSourceExtra): DataSource
}

function available(): Set<DatabaseKind> {
  const value = process.env[AVAILABLE_ENV]
  // Without the global setup (a single file run by hand), try everything.
  if (value === undefined) return new Set(ALL_KINDS)
  return new Set(value.split(",").filter(Boolean) as DatabaseKind[])
}

function uniqueName(): string {
  return `cdb_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
}

export interface EachDatabaseOptions {
  /** Extra options for the shared data source (entities of the test, say). */
  readonly extra?: DataSourceExtra
  /** Leave the schema empty: the test runs migrations itself. */
  readonly migrate?: boolean
  /** Restrict the suite to these kinds. */
  readonly only?: readonly DatabaseKind[]
  /**
   * After migrating, create what the test's own entities need, as a migration generated for
   * them would (the schema builder's pending statements).
   */
  readonly createTestTables?: boolean
}

/**
 * Runs `body` once per database kind, each against a database of its own made for this file.
 * An unreachable database is skipped with a notice (the global setup fails under CI=true).
 */
export function describeEachDatabase(
  title: string,
  body: (db: () => TestDatabase) => void,
  options: EachDatabaseOptions = {},
): void {
  const reachable = available()
  for (const kind of options.only ?? ALL_KINDS) {
    if (!reachable.has(kind)) {
      describe.skip(`${title} [${kind}: unreachable, skipped]`, () => {
        it("is skipped because the database is unreachable", () => undefined)
      })
      continue
    }
    describe(`${title} [${kind}]`, () => {
      let current: TestDatabase | undefined
      const extras: DataSource[] = []
      let cleanup: (() => Promise<void>) | undefined

      beforeAll(async () => {
        const name = uniqueName()
        let database: string
        if (kind === "sqlite") {
          const dir = mkdtempSync(join(tmpdir(), "concrete-db-"))
          database = join(dir, "test.db")
          cleanup = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }))
        } else {
          await createServerDatabase(kind, name)
          database = name
          cleanup = () => dropServerDatabase(kind, name)
        }
        const env = envFor(kind, database)
        const dataSource = createDataSource({ ...options.extra, env })
        await dataSource.initialize()
        if (options.migrate !== false) await dataSource.runMigrations({ transaction: "each" })
        if (options.createTestTables) {
          const pending = await dataSource.driver.createSchemaBuilder().log()
          for (const query of pending.upQueries)
            await dataSource.query(query.query, query.parameters)
        }
        current = {
          kind,
          env,
          dataSource,
          createDataSource: (extra = {}) => {
            const created = createDataSource({ ...extra, env })
            extras.push(created)
            return created
          },
        }
      })

      afterAll(async () => {
        for (const dataSource of [...extras, current?.dataSource]) {
          if (dataSource?.isInitialized) await dataSource.destroy()
        }
        await cleanup?.()
      })

      body(() => {
        if (!current) throw new Error("the test database is not ready (beforeAll failed)")
        return current
      })
    })
  }
}
