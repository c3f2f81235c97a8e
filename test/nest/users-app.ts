import { Body, Controller, Get, Param, Post } from "@nestjs/common"
import { Test } from "@nestjs/testing"
import type { INestApplication, ModuleMetadata } from "@nestjs/common"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { NotFoundError, Session, User, createUser, type UserCreate } from "../../src"
import { InjectSession } from "../../src/nest"

// The small application of the NestJS tests: a users controller doing what an application's
// would, on the request's session.

interface UserJson {
  readonly id: string
  readonly email: string
  readonly firstName: string | null
}

const toJson = (user: User): UserJson => ({
  id: user.id,
  email: user.email,
  firstName: user.firstName ?? null,
})

@Controller("users")
export class UsersController {
  @Post()
  async create(@InjectSession() session: Session, @Body() body: UserCreate): Promise<UserJson> {
    const user = await createUser(session, body)
    await session.commit()
    return toJson(user)
  }

  /** Adds a user and returns without committing: the interceptor's close must roll it back. */
  @Post("uncommitted")
  async uncommitted(
    @InjectSession() session: Session,
    @Body() body: UserCreate,
  ): Promise<UserJson> {
    return toJson(await createUser(session, body))
  }

  /** A statement the database refuses, naming a table and a value the client must not see. */
  @Get("broken")
  async broken(@InjectSession() session: Session): Promise<unknown> {
    return session.manager.query("SELECT secret_column FROM no_such_table WHERE token = 'hunter2'")
  }

  @Get(":id")
  async get(@InjectSession() session: Session, @Param("id") id: string): Promise<UserJson> {
    const user = await session.get(User, id)
    if (!user) throw new NotFoundError(`User ${id} does not exist.`)
    return toJson(user)
  }
}

/** A Nest application listening on a free port of 127.0.0.1, and its base URL. */
export async function startApp(
  metadata: ModuleMetadata,
): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule(metadata).compile()
  const app = moduleRef.createNestApplication({ logger: false })
  await app.listen(0, "127.0.0.1")
  const server = app.getHttpServer() as Server
  const { port } = server.address() as AddressInfo
  return { app, url: `http://127.0.0.1:${port}` }
}

/** A JSON request: the status and the parsed body. */
export async function request(
  url: string,
  method: "GET" | "POST",
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}
