import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  createDataSource,
  createMessage,
  createOrchestrator,
  createProject,
  createUser,
  ProjectDirectory,
  ProjectFile,
  withTransaction,
} from "../../src"
import { runCli } from "../../src/cli/run-cli"
import { describeEachDatabase } from "../support/databases"
import { createServerDatabase, dropServerDatabase, POSTGRES } from "../support/servers"

// The "replica" is another database on the same server, holding a project the primary does not:
// what the CLI prints shows which one it read.
describeEachDatabase(
  "CLI reads on DB_READ_REPLICAS",
  (db) => {
    const replicaName = `cdb_replica_${process.pid}_${Date.now().toString(36)}`
    const dir = mkdtempSync(join(tmpdir(), "concrete-db-cli-replica-"))
    const replicaUrl = `postgresql://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${replicaName}`

    beforeAll(async () => {
      await createServerDatabase("postgres", replicaName)
      const replica = createDataSource({ env: { ...db().env, DB_DATABASE: replicaName } })
      await replica.initialize()
      try {
        await replica.runMigrations({ transaction: "each" })
        await withTransaction(async (s) => {
          const user = await createUser(s, { email: "reader@example.com" })
          const orchestrator = await createOrchestrator(s, {
            type: "software",
            name: "On the replica",
            userId: user.id,
          })
          const project = await createProject(s, {
            name: "Replica only",
            orchestratorId: orchestrator.id,
          })
          const directory = new ProjectDirectory({
            projectName: "replica",
            files: [new ProjectFile({ fileName: "index.html", fileContents: "<p>hi</p>" })],
          })
          await createMessage(s, {
            type: "projectdirectory",
            content: directory.toContent(),
            projectId: project.id,
            userId: user.id,
            status: "finished",
          })
        }, replica)
      } finally {
        await replica.destroy()
      }
    })

    afterAll(async () => {
      await dropServerDatabase("postgres", replicaName)
      rmSync(dir, { recursive: true, force: true })
    })

    async function cli(argv: string[], replicas?: string) {
      let stdout = ""
      let stderr = ""
      const env = { ...db().env, ...(replicas ? { DB_READ_REPLICAS: replicas } : {}) }
      const code = await runCli(argv, {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        env,
        cwd: dir,
      })
      return { code, stdout, stderr }
    }

    it("messages and export read from the replica", async () => {
      expect((await cli(["messages", "Replica only"])).code).not.toBe(0)
      const messages = await cli(["messages", "Replica only"], replicaUrl)
      expect(messages).toMatchObject({ code: 0, stderr: "" })
      expect(messages.stdout).toContain("reader@example.com")
      const out = join(dir, "replica.zip")
      expect(await cli(["export", "Replica only", "--out", out], replicaUrl)).toMatchObject({
        code: 0,
      })
      expect(existsSync(out)).toBe(true)
    })

    it("status counts the rows on the replica", async () => {
      const projectRows = (stdout: string) => /^\s+project\s+(\S+)$/m.exec(stdout)?.[1]
      const onPrimary = await cli(["status"])
      const onReplica = await cli(["status"], replicaUrl)
      expect(onReplica.code).toBe(0)
      expect(projectRows(onPrimary.stdout)).toBe("0")
      expect(projectRows(onReplica.stdout)).toBe("1")
    })

    it("reads from the primary, with no error, when the replica refuses connections", async () => {
      const status = await cli(["status"], "127.0.0.1:1")
      expect(status).toMatchObject({ code: 0, stderr: "" })
      expect(/^\s+project\s+(\S+)$/m.exec(status.stdout)?.[1]).toBe("0")
    })
  },
  { only: ["postgres"] },
)
