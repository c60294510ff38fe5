// Control API under /_sim/ (served on both origins): create tenants/apps/users, grant/revoke consent,
// tamper partner entries as a tenant's own admin would, switches, faults, key rotation, request log, reset.
import type { FastifyInstance } from 'fastify'
import type { SimState } from '../state.ts'
import { registerControlGraphRoutes } from './graph-routes.ts'
import { registerPortalDefaultPolicyRoutes } from './portal-default-policy-routes.ts'
import { registerPortalPartnerRoutes } from './portal-partner-routes.ts'
import { registerTenantLookup } from './respond.ts'
import { registerSystemRoutes } from './system-routes.ts'
import { registerTenantRoutes } from './tenant-routes.ts'

export function registerControlRoutes(app: FastifyInstance, state: SimState): void {
  registerTenantLookup(app, state)
  app.get('/_sim/health', (_req, reply) =>
    reply.send({ ok: true, loginUrl: state.loginUrl, graphUrl: state.graphUrl }),
  )
  registerTenantRoutes(app, state)
  registerPortalPartnerRoutes(app, state)
  registerPortalDefaultPolicyRoutes(app, state)
  registerControlGraphRoutes(app, state)
  registerSystemRoutes(app, state)
}
