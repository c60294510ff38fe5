// Graph responses: JSON with OData content type, the error envelope with innerError, `$select` and the 404.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { graphErrorBody } from '../errors.ts'
import type { Json, SimState } from '../state.ts'

export const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8'

export function graphJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('content-type', ODATA_JSON)
    .header('odata-version', '4.0')
    .send(JSON.stringify(body))
}

export function graphError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .send(JSON.stringify(graphErrorBody(code, message, req.sim.requestId, req.sim.clientRequestId)))
}

/** 400 Request_BadRequest: the body (or a property in it) is not acceptable. */
export function badRequest(req: FastifyRequest, reply: FastifyReply, message: string): FastifyReply {
  return graphError(req, reply, 400, 'Request_BadRequest', message)
}

/** The `@odata.context` URL of a v1.0 response. */
export function odataContext(state: SimState, path: string): string {
  return `${state.graphUrl}/v1.0/$metadata#${path}`
}

/** `$select`: keeps the listed properties (plus annotations and the key). */
export function select(obj: Json, q: unknown): Json {
  const sel = (q as { $select?: string } | undefined)?.$select
  if (!sel) return obj
  const keep = new Set(sel.split(',').map((s) => s.trim()))
  return Object.fromEntries(
    Object.entries(obj).filter(([k]) => keep.has(k) || k.startsWith('@odata') || k === 'tenantId'),
  )
}

/** One page of a collection at `/v1.0/<path>`: its context, `@odata.nextLink` when more follow, the items. */
export function collectionPage(
  state: SimState,
  path: string,
  nextQuery: string | null,
  value: unknown[],
): Json {
  return {
    '@odata.context': odataContext(state, path),
    ...(nextQuery === null ? {} : { '@odata.nextLink': `${state.graphUrl}/v1.0/${path}?${nextQuery}` }),
    value,
  }
}

export function notFound(req: FastifyRequest, reply: FastifyReply, id: string): FastifyReply {
  return graphError(
    req,
    reply,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  )
}
