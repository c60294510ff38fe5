import type { Actor } from '@crosstrust/services'
import type { FastifyRequest } from 'fastify'

/**
 * The actor of a request on the customer's public pages (consent, status page): a customer's administrator,
 * not yet known by name (the services add the signed-in identity once Microsoft has vouched for it).
 */
export function customerAdmin(request: FastifyRequest): Actor {
  return { type: 'customer_admin', name: 'customer administrator', requestId: request.id, ip: request.ip }
}
