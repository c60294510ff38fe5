// Graph responses: JSON with OData content type, and the error envelope with innerError.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { graphErrorBody } from '../errors.ts'

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
