import { inspect } from "node:util"
import type { DataSource } from "typeorm"
import {
  ConnectionError,
  Message,
  Session,
  closeDataSource,
  createDataSource,
  getDataSource,
  withTransaction,
  type Env,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { MARIADB, POSTGRES } from "../support/servers"
import {
  BlackHole,
  type Conversation,
  TcpProxy,
  createMariaDbUser,
  freePort,
  seedConversation,
} from "./fixtures/helpers"

// Database down or unreachable: a TCP proxy in this process stands for the server and can go
// down and come back on the same port; a port nobody listens on; a host that does not resolve;
// a "black hole" that accepts connections and never answers. Each fails within the connect
// timeout (plus a margin for the event loop and TypeORM's own work) with a ConnectionError that
// names host and port and never the password, and the same DataSource works once the server is
// back.

const CONNECT_TIMEOUT_MS = 1_500
// The event loop, TypeORM's own work and a loaded machine: small enough that a second
// connection attempt (or a timeout twice as long) cannot hide in it.
const MARGIN_MS = 600
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-Unreachable!`

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; error: unknown }> {
  const start = performance.now()
  try {
    await work()
    return { ms: performance.now() - start, error: undefined }
  } catch (error) {
    return { ms: performance.now() - start, error }
  }
}

describeEachDatabase(
  "database down or unreachable",
  (db) => {
    let conversation: Conversation
    let credentials: { username: string; password: string }
    let dropUser: (() => Promise<void>) | undefined
    const opened: DataSource[] = []

    beforeAll(async () => {
      conversation = await seedConversation(db().dataSource)
      if (db().kind === "mariadb") {
        // Root has no password here: a user of our own has one.
        const created = await createMariaDbUser(String(db().env.DB_DATABASE), PASSWORD)
        credentials = { username: created.user, password: PASSWORD }
        dropUser = created.drop
      } else {
        // PostgreSQL trusts local connections, so any password is accepted.
        credentials = { username: POSTGRES.user, password: PASSWORD }
      }
    })

    afterAll(async () => {
      for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy()
      await dropUser?.()
    })

    function envFor(host: string, port: number): Env {
      return {
        ...db().env,
        DB_HOST: host,
        DB_PORT: String(port),
        DB_USERNAME: credentials.username,
        DB_PASSWORD: credentials.password,
        DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      }
    }

    function open(host: string, port: number): DataSource {
      const dataSource = createDataSource({ env: envFor(host, port) })
      opened.push(dataSource)
      return dataSource
    }

    function commitOne(dataSource: DataSource): Promise<Message> {
      return withTransaction(
        (session) =>
          Promise.resolve(
            session.add(
              Object.assign(new Message(), {
                type: "textmessage",
                content: JSON.stringify({ text: "through the proxy" }),
                projectId: conversation.projectId,
                userId: conversation.userId,
              }),
            ),
          ),
        dataSource,
      )
    }

    function expectConnectionError(
      outcome: { ms: number; error: unknown },
      host: string,
      port: number,
    ): void {
      const { error, ms } = outcome
      expect(error).toBeInstanceOf(ConnectionError)
      const text = [
        (error as Error).message,
        (error as Error).stack ?? "",
        String(error),
        inspect(error, { depth: 10 }),
      ]
      expect((error as Error).message).toContain(`${host}:${port}`)
      for (const shown of text) expect(shown).not.toContain(PASSWORD)
      expect(ms).toBeLessThan(CONNECT_TIMEOUT_MS + MARGIN_MS)
    }

    async function expectCommitted(message: Message): Promise<void> {
      await using reader = new Session(db().dataSource)
      expect((await reader.get(Message, message.id))?.content).toBe(message.content)
    }

    it("fails fast while the server is down and works again when it is back, same DataSource", async () => {
      const target = db().kind === "postgres" ? POSTGRES : MARIADB
      const proxy = new TcpProxy(target.host, target.port)
      await proxy.open()
      try {
        const dataSource = open("127.0.0.1", proxy.port)
        await expectCommitted(await commitOne(dataSource))
        // Several sessions, so the pool holds more than one connection when the server goes.
        await Promise.all([commitOne(dataSource), commitOne(dataSource), commitOne(dataSource)])

        await proxy.close()
        for (let attempt = 0; attempt < 3; attempt += 1) {
          expectConnectionError(await timed(() => commitOne(dataSource)), "127.0.0.1", proxy.port)
        }
        // Reads fail the same way.
        expectConnectionError(
          await timed(() =>
            withTransaction((session) => session.get(Message, conversation.projectId), dataSource),
          ),
          "127.0.0.1",
          proxy.port,
        )

        await proxy.open()
        await expectCommitted(await commitOne(dataSource))
        const again = await Promise.all(Array.from({ length: 5 }, () => commitOne(dataSource)))
        for (const message of again) await expectCommitted(message)
      } finally {
        await proxy.close()
      }
    })

    it("fails a data source first used while the server is down, then works when it is up", async () => {
      const target = db().kind === "postgres" ? POSTGRES : MARIADB
      const proxy = new TcpProxy(target.host, target.port)
      await proxy.open()
      const port = proxy.port
      await proxy.close()
      try {
        const dataSource = open("127.0.0.1", port)
        for (let attempt = 0; attempt < 2; attempt += 1) {
          expectConnectionError(await timed(() => commitOne(dataSource)), "127.0.0.1", port)
        }
        expect(dataSource.isInitialized).toBe(false)
        await proxy.open()
        expect(proxy.port).toBe(port)
        await expectCommitted(await commitOne(dataSource))
      } finally {
        await proxy.close()
      }
    })

    it("fails the shared data source of `new Session()` while down, and opens it once up", async () => {
      const target = db().kind === "postgres" ? POSTGRES : MARIADB
      const proxy = new TcpProxy(target.host, target.port)
      await proxy.open()
      const port = proxy.port
      await proxy.close()
      // getDataSource() reads the process environment.
      const saved = { ...process.env }
      Object.assign(process.env, envFor("127.0.0.1", port))
      try {
        const outcome = await timed(() => withTransaction((session) => session.getDataSource()))
        expectConnectionError(outcome, "127.0.0.1", port)
        expectConnectionError(await timed(() => getDataSource()), "127.0.0.1", port)
        await proxy.open()
        const dataSource = await withTransaction((session) => session.getDataSource())
        expect(dataSource).toBe(await getDataSource())
        expect(await dataSource.showMigrations()).toBe(false)
      } finally {
        process.env = saved
        await closeDataSource()
        await proxy.close()
      }
    })

    it("fails within the connect timeout on a port nobody listens on", async () => {
      const port = await freePort()
      const dataSource = open("127.0.0.1", port)
      expectConnectionError(await timed(() => commitOne(dataSource)), "127.0.0.1", port)
    })

    it("fails within the connect timeout on a host name that does not resolve", async () => {
      const dataSource = open("db.concrete.invalid", 5432)
      expectConnectionError(await timed(() => commitOne(dataSource)), "db.concrete.invalid", 5432)
    })

    it("fails within the connect timeout on a server that accepts and never answers", async () => {
      const blackHole = new BlackHole()
      await blackHole.start()
      try {
        const dataSource = open("127.0.0.1", blackHole.port)
        for (let attempt = 0; attempt < 2; attempt += 1) {
          const outcome = await timed(() => commitOne(dataSource))
          expectConnectionError(outcome, "127.0.0.1", blackHole.port)
          // It waited for the timeout rather than failing for another reason.
          expect(outcome.ms).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 100)
        }
      } finally {
        await blackHole.stop()
      }
    })
  },
  { only: ["postgres", "mariadb"] },
)
