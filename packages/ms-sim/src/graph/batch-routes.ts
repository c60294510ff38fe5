// Graph JSON batching: `POST /v1.0/$batch` runs each request of the batch through the real Graph routes with
// `app.inject()`, so every one of them gets the same authorization, permission checks, fault rules, retry
// gates and request log entry as a request sent on its own. They run in parallel (Microsoft runs requests
// without `dependsOn` in parallel); the answers come back shuffled unless `batchResponseOrder` is `request`.
// https://learn.microsoft.com/graph/json-batching
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { LightMyRequestResponse } from 'fastify'
import type { SimState } from '../state.ts'
import { authorize } from './auth.ts'
import { BATCH_ITEM_HEADER, type BatchItemOrigin, type BatchItems } from './batch-items.ts'
import { readBatchEnvelope, type BatchItemRequest } from './batch-envelope.ts'
import { graphError, graphJson } from './respond.ts'

export const BATCH_PATH = '/v1.0/$batch'

export interface BatchAnswer {
  id: string
  status: number
  headers: Record<string, string>
  body?: unknown
}

/** Headers an answer carries, named as Microsoft's examples write them (clients read them case-insensitively). */
const ANSWER_HEADERS: [string, string][] = [
  ['Content-Type', 'content-type'],
  ['OData-Version', 'odata-version'],
  ['Location', 'location'],
  ['Retry-After', 'retry-after'],
  ['x-ms-throttle-scope', 'x-ms-throttle-scope'],
  ['x-ms-throttle-information', 'x-ms-throttle-information'],
]

export function registerBatchRoute(app: FastifyInstance, state: SimState, batchItems: BatchItems): void {
  app.post(BATCH_PATH, async (req, reply) => {
    // The envelope needs a valid token; each request inside is then checked for its own permissions.
    const caller = authorize(state, req, reply, [])
    if (!caller) return reply
    const envelope = readBatchEnvelope(req.body)
    if (!envelope.ok) return graphError(req, reply, 400, 'BadRequest', envelope.message)
    const origin: BatchItemOrigin = { envelopeRequestId: req.sim.requestId, early: req.sim.early }
    const answers = await Promise.all(
      envelope.items.map((item) => runItem(app, req, item, batchItems, origin)),
    )
    const settings = state.settingsFor(caller.tenant)
    const inOrder = settings.batchResponseOrder === 'request'
    // https://learn.microsoft.com/graph/throttling: a throttled request inside fails the batch with 424.
    const status = answers.some((a) => a.status === 429) ? settings.batchThrottledStatus : 200
    return graphJson(reply, status, { responses: inOrder ? answers : shuffled(answers) })
  })
}

async function runItem(
  app: FastifyInstance,
  envelope: FastifyRequest,
  item: BatchItemRequest,
  batchItems: BatchItems,
  origin: BatchItemOrigin,
): Promise<BatchAnswer> {
  const key = batchItems.register(origin)
  const priority = envelope.headers['x-ms-throttle-priority']
  const headers: Record<string, string> = {
    ...(typeof priority === 'string' ? { 'x-ms-throttle-priority': priority } : {}),
    ...item.headers,
    authorization: envelope.headers.authorization ?? '',
    'client-request-id': envelope.sim.clientRequestId,
    [BATCH_ITEM_HEADER]: key,
  }
  try {
    const res = await app.inject({
      method: item.method as 'GET',
      url: item.url,
      headers,
      ...(item.body === undefined
        ? {}
        : { payload: typeof item.body === 'string' ? item.body : JSON.stringify(item.body) }),
    })
    return answerOf(item.id, res)
  } finally {
    batchItems.release(key)
  }
}

function answerOf(id: string, res: LightMyRequestResponse): BatchAnswer {
  const headers: Record<string, string> = {}
  for (const [name, wire] of ANSWER_HEADERS) {
    const value = res.headers[wire]
    if (value !== undefined) headers[name] = String(value)
  }
  if (res.payload === '') return { id, status: res.statusCode, headers }
  const json = /json/i.test(headers['Content-Type'] ?? '')
  return {
    id,
    status: res.statusCode,
    headers,
    body: json ? (JSON.parse(res.payload) as unknown) : res.payload,
  }
}

/** A random order that is never the requests' own (with two or more): clients must match answers by id. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  if (out.length > 1 && out.every((x, i) => x === items[i])) out.push(out.shift() as T)
  return out
}
