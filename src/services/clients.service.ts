import { ClientCreate, ClientUpdate } from "../dto/client.dto"
import { parseDto } from "../dto/parse-dto"
import { Client } from "../entities/client.entity"
import { ValidationError } from "../errors"
import type { Session } from "../session"
import { applyUpdate } from "./apply-update"
import { idKey } from "./lookup-keys"
import { getOperator } from "./operators.service"
import { OLDEST_FIRST, type Pagination, resolvePagination } from "./pagination"

// Services stage and flush (so ids and constraints are checked); the caller commits.

/**
 * Creates an LLM client for an operator from a `ClientCreate` (or plain input); unset fields get
 * the defaults (`"OpenAI"`, `"gpt-4o-mini"`, temperature 0). Stages and flushes; the caller
 * commits.
 *
 * @throws ValidationError for bad input, or when `operatorId` is not an operator of
 * `orchestratorId` (nothing is written).
 *
 * @example
 * const client = await createClient(session, { model: "gpt-4o", orchestratorId, operatorId })
 * await session.commit()
 */
export async function createClient(s: Session, create: ClientCreate): Promise<Client> {
  const dto = await parseDto(ClientCreate, create)
  const orchestratorId = dto.orchestratorId.toLowerCase()
  const operatorId = dto.operatorId.toLowerCase()
  if (!(await getOperator(s, operatorId, orchestratorId))) {
    throw new ValidationError([
      {
        property: "ClientCreate.operatorId",
        reasons: [`operatorId must be an operator of orchestrator ${orchestratorId}`],
      },
    ])
  }
  const client = new Client()
  client.orchestratorId = orchestratorId
  client.operatorId = operatorId
  if (dto.client !== undefined) client.client = dto.client
  if (dto.model !== undefined) client.model = dto.model
  if (dto.temperature !== undefined) client.temperature = dto.temperature
  s.add(client)
  await s.flush()
  return client
}

/**
 * The client with this id of this operator of this orchestrator, or null (also when it belongs
 * to another operator or orchestrator).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @example
 * const client = await getClient(session, clientId, operator.id, orchestrator.id)
 */
export async function getClient(
  s: Session,
  clientId: string,
  operatorId: string,
  orchestratorId: string,
): Promise<Client | null> {
  const id = idKey(clientId)
  const operator = idKey(operatorId)
  const orchestrator = idKey(orchestratorId)
  if (id === undefined || operator === undefined || orchestrator === undefined) return null
  return s.findOne(Client, {
    where: { id, operatorId: operator, orchestratorId: orchestrator },
  })
}

/**
 * Clients, oldest first by (createdAt, id): those of `orchestratorId` and/or `operatorId` when
 * given, otherwise all. `skip` defaults to 0, `limit` to 100 (at most 1,000).
 * Reads only (the session flushes staged work first); never commits.
 *
 * @throws ValidationError when `skip` or `limit` is negative or not a whole number, or `limit`
 * is above 1,000.
 *
 * @example
 * const clients = await getClients(session, orchestrator.id, operator.id)
 */
export async function getClients(
  s: Session,
  orchestratorId?: string,
  operatorId?: string,
  options: Pagination = {},
): Promise<Client[]> {
  const { skip, take } = resolvePagination(options)
  if (take === 0) return []
  const where: { orchestratorId?: string; operatorId?: string } = {}
  if (orchestratorId !== undefined) {
    const id = idKey(orchestratorId)
    if (id === undefined) return []
    where.orchestratorId = id
  }
  if (operatorId !== undefined) {
    const id = idKey(operatorId)
    if (id === undefined) return []
    where.operatorId = id
  }
  return s.find(Client, { where, order: OLDEST_FIRST, skip, take })
}

/**
 * Applies a `ClientUpdate` (provider, model, temperature) to the client of this operator of this
 * orchestrator. Returns it, or null when there is no such client (nothing is changed). Stages and
 * flushes; the caller commits.
 *
 * @throws ValidationError for bad input.
 *
 * @example
 * await updateClient(session, clientId, operator.id, orchestrator.id, { temperature: 0.2 })
 */
export async function updateClient(
  s: Session,
  clientId: string,
  operatorId: string,
  orchestratorId: string,
  update: ClientUpdate,
): Promise<Client | null> {
  const dto = await parseDto(ClientUpdate, update)
  const client = await getClient(s, clientId, operatorId, orchestratorId)
  if (!client) return null
  applyUpdate(client, dto)
  await s.flush()
  return client
}

/**
 * Deletes the client of this operator of this orchestrator. Returns the deleted client, or null
 * when there is none. Stages and flushes; the caller commits.
 *
 * @example
 * await deleteClient(session, clientId, operator.id, orchestrator.id)
 */
export async function deleteClient(
  s: Session,
  clientId: string,
  operatorId: string,
  orchestratorId: string,
): Promise<Client | null> {
  const client = await getClient(s, clientId, operatorId, orchestratorId)
  if (!client) return null
  s.delete(client)
  await s.flush()
  return client
}
