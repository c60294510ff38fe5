// Per-request bookkeeping shared by the hooks (request log, faults, Retry-After tracking) and the routes.
import type { FastifyReply } from 'fastify'
import type { AadError } from './errors.ts'

export interface ReqCtx {
  origin: 'login' | 'graph'
  startMs: number
  requestId: string
  clientRequestId: string
  tenant: string | null
  clientId: string | null
  early: boolean
  fault: string | null
  /** For a request inside a JSON batch: the batch envelope's `request-id` (null otherwise). */
  batch: string | null
  /** When the response was handed to the socket (performance.now() and wall clock); set in onSend. */
  sentAtMs?: number
  sentAt?: number
}

declare module 'fastify' {
  interface FastifyRequest {
    sim: ReqCtx
  }
}

export function sendAad(reply: FastifyReply, err: AadError): FastifyReply {
  return reply
    .code(err.status)
    .header('cache-control', 'no-store, no-cache')
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(err.body))
}
