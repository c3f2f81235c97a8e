import { AuthStateCreate } from "../dto/auth-state.dto"
import { AuthTokenCreate } from "../dto/auth-token.dto"
import { parseDto } from "../dto/parse-dto"
import { UserCreate } from "../dto/user.dto"
import { AuthState } from "../entities/auth-state.entity"
import { AuthToken } from "../entities/auth-token.entity"
import { User } from "../entities/user.entity"
import type { Session } from "../session"
import { textKey } from "./lookup-keys"

// Services stage and flush (so ids and constraints are checked); the caller commits.

/**
 * Creates a user from a `UserCreate` (or plain input, validated with `parseDto`). Stages and
 * flushes; the caller commits.
 *
 * @throws ValidationError for bad input (nothing is written).
 * @throws UniqueViolationError when the email is taken; the session's transaction is rolled back
 * and the session needs `rollback()` before further use.
 *
 * @example
 * const user = await createUser(session, { email: "ada@example.com", firstName: "Ada" })
 * await session.commit()
 */
export async function createUser(s: Session, create: UserCreate): Promise<User> {
  const dto = await parseDto(UserCreate, create)
  const user = s.add(
    Object.assign(new User(), {
      email: dto.email,
      firstName: dto.firstName ?? null,
      lastName: dto.lastName ?? null,
      profilePictureUrl: dto.profilePictureUrl ?? null,
    }),
  )
  await s.flush()
  return user
}

/**
 * The user with this email, or null. The comparison is the database's: exact on SQLite and
 * PostgreSQL, case-insensitive on MySQL/MariaDB (their default collation).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const user = await getUser(session, "ada@example.com")
 */
export async function getUser(s: Session, email: string): Promise<User | null> {
  const key = textKey(email)
  if (key === undefined) return null
  return s.findOne(User, { where: { email: key } })
}

/**
 * Stores an OAuth state and where to send the user back to. Stages and flushes; the caller
 * commits.
 *
 * @throws ValidationError for bad input; UniqueViolationError when the state exists already.
 *
 * @example
 * await createAuthState(session, { state: randomState, destinationUrl: "/dashboard" })
 */
export async function createAuthState(s: Session, create: AuthStateCreate): Promise<AuthState> {
  const dto = await parseDto(AuthStateCreate, create)
  const state = s.add(
    Object.assign(new AuthState(), { state: dto.state, destinationUrl: dto.destinationUrl }),
  )
  await s.flush()
  return state
}

/**
 * The stored OAuth state with this `state` value, or null.
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const state = await getAuthState(session, request.query.state)
 */
export async function getAuthState(s: Session, state: string): Promise<AuthState | null> {
  const key = textKey(state)
  if (key === undefined) return null
  return s.findOne(AuthState, { where: { state: key } })
}

/**
 * Stores a user's refresh token. A user has one token: when it has one already, that token's
 * value is replaced (and returned) instead of a second row being added. Stages and flushes; the
 * caller commits.
 *
 * @throws ValidationError for bad input; ForeignKeyViolationError when the user does not exist.
 *
 * @example
 * await createAuthToken(session, { refreshToken, userId: user.id })
 */
export async function createAuthToken(s: Session, create: AuthTokenCreate): Promise<AuthToken> {
  const dto = await parseDto(AuthTokenCreate, create)
  const userId = dto.userId.toLowerCase()
  const existing = await s.findOne(AuthToken, { where: { userId } })
  if (existing) {
    existing.refreshToken = dto.refreshToken
    await s.flush()
    return existing
  }
  const token = s.add(Object.assign(new AuthToken(), { refreshToken: dto.refreshToken, userId }))
  await s.flush()
  return token
}
