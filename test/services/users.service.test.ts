import {
  AuthState,
  AuthToken,
  Session,
  UniqueViolationError,
  User,
  UserCreate,
  ValidationError,
  createAuthState,
  createAuthToken,
  createUser,
  getAuthState,
  getUser,
} from "../../src"
import { describeEachDatabase } from "../support/databases"
import { unique } from "../support/graph"
import { rejectionOf } from "./seed"

describeEachDatabase("users service", (db) => {
  const open = () => new Session(db().dataSource)

  it("creates a user from plain JSON; the caller's commit saves it, getUser finds it by email", async () => {
    const email = `${unique("ada")}@example.com`
    const body = `{"email":"${email}","firstName":"Ada","profilePictureUrl":"https://example.com/a.png"}`
    let id: string
    {
      await using session = open()
      const user = await createUser(session, JSON.parse(body) as UserCreate)
      expect(user).toBeInstanceOf(User)
      expect(user.createdAt).toBeInstanceOf(Date)
      id = user.id
      await session.commit()
    }
    await using reader = open()
    const loaded = await getUser(reader, email)
    expect(loaded).toMatchObject({
      id,
      email,
      firstName: "Ada",
      lastName: null,
      profilePictureUrl: "https://example.com/a.png",
    })
  })

  it("accepts a UserCreate instance as well as plain input", async () => {
    const email = `${unique("grace")}@example.com`
    {
      await using session = open()
      await createUser(session, Object.assign(new UserCreate(), { email }))
      await session.commit()
    }
    await using reader = open()
    expect((await getUser(reader, email))?.email).toBe(email)
  })

  it("does not commit: closing the session without commit leaves no user", async () => {
    const email = `${unique("gone")}@example.com`
    {
      await using session = open()
      await createUser(session, { email })
      expect(await getUser(session, email)).not.toBeNull()
    }
    await using reader = open()
    expect(await getUser(reader, email)).toBeNull()
  })

  it("writes nothing for invalid input and leaves the session usable", async () => {
    const email = `${unique("kept")}@example.com`
    await using session = open()
    const before = await session.manager.count(User)
    const error = await rejectionOf(
      createUser(session, { email: "not-an-email", extra: 1 } as never),
    )
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((issue) => issue.property).sort()).toEqual([
      "UserCreate.email",
      "UserCreate.extra",
    ])
    await createUser(session, { email })
    await session.commit()
    expect(await session.manager.count(User)).toBe(before + 1)
  })

  it("reports a taken email as a UniqueViolationError; after rollback the session works again", async () => {
    const email = `${unique("twice")}@example.com`
    await using session = open()
    await createUser(session, { email })
    await session.commit()
    expect(await rejectionOf(createUser(session, { email }))).toBeInstanceOf(UniqueViolationError)
    await session.rollback()
    expect((await getUser(session, email))?.email).toBe(email)
  })

  it("finds nothing for an unknown email, or one no stored email could be, without failing the transaction", async () => {
    await using session = open()
    expect(await getUser(session, `${unique("nobody")}@example.com`)).toBeNull()
    expect(await getUser(session, "nul\u0000@example.com")).toBeNull()
    expect(await getUser(session, 42 as unknown as string)).toBeNull()
    const email = `${unique("after")}@example.com`
    await createUser(session, { email })
    await session.commit()
  })

  it("creates an auth state and reads it back by its state value", async () => {
    const state = unique("state")
    {
      await using session = open()
      const created = await createAuthState(session, { state, destinationUrl: "/dashboard" })
      expect(created).toBeInstanceOf(AuthState)
      await session.commit()
    }
    await using reader = open()
    expect(await getAuthState(reader, state)).toMatchObject({ state, destinationUrl: "/dashboard" })
    expect(await getAuthState(reader, `${state}-other`)).toBeNull()
    expect(
      await rejectionOf(createAuthState(reader, { state, destinationUrl: "/again" })),
    ).toBeInstanceOf(UniqueViolationError)
  })

  it("refuses an auth state with a missing destination, naming it", async () => {
    await using session = open()
    const error = await rejectionOf(createAuthState(session, { state: unique("s") } as never))
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "AuthStateCreate.destinationUrl",
    ])
  })

  it("stores one refresh token per user: a second token replaces the first", async () => {
    let userId: string
    {
      await using session = open()
      const user = await createUser(session, { email: `${unique("token")}@example.com` })
      userId = user.id
      const first = await createAuthToken(session, { refreshToken: "first", userId })
      expect(first).toBeInstanceOf(AuthToken)
      await session.commit()
      const second = await createAuthToken(session, { refreshToken: "second", userId })
      expect(second.id).toBe(first.id)
      await session.commit()
    }
    await using reader = open()
    const tokens = await reader.find(AuthToken, { where: { userId } })
    expect(tokens.map((token) => token.refreshToken)).toEqual(["second"])
  })

  it("lower-cases ids given in upper case, so every database stores and finds them alike", async () => {
    await using session = open()
    const user = await createUser(session, { email: `${unique("upper")}@example.com` })
    const token = await createAuthToken(session, {
      refreshToken: "r",
      userId: user.id.toUpperCase(),
    })
    await session.commit()
    expect(token.userId).toBe(user.id)
  })
})
