// Graph v1.0: cross-tenant access policy (partners CRUD, default), /organization, /subscribedSkus, and
// the tenant information lookups. Status codes and error codes as in docs/microsoft-behaviour.md.
import type { FastifyInstance } from 'fastify'
import type { SimState } from '../state.ts'
import { registerPartnerRoutes } from './partner-routes.ts'
import { registerDefaultPolicyRoutes } from './default-policy-routes.ts'
import { registerDirectoryRoutes } from './directory-routes.ts'

export function registerGraphRoutes(app: FastifyInstance, state: SimState): void {
  registerDefaultPolicyRoutes(app, state)
  registerPartnerRoutes(app, state)
  registerDirectoryRoutes(app, state)
}
