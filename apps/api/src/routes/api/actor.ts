import type { Actor } from '@crosstrust/services'
import type { FastifyRequest } from 'fastify'
import { auditActor } from '../../auth/index.ts'

/** The signed-in staff member behind a request (set by the auth plugin), as a service actor. */
export function staffActor(request: FastifyRequest): Actor {
  const staff = auditActor(request)
  return { type: 'staff', id: staff.actorId, name: staff.actorName, requestId: request.id, ip: request.ip }
}
