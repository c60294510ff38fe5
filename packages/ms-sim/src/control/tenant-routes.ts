// Control API: tenants (create, read, change licence and switches, delete), their users and the consents
// given in them, as the simulator's operator sets them up.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { SimState, Tenant } from '../state.ts'
import {
  consentSeedSchema,
  licenceSchema,
  tenantSeedSchema,
  tenantSettingsSchema,
  userSeedSchema,
} from '../seed-schema.ts'
import { parse, problem, tenantOf } from './respond.ts'

const tenantPatchSchema = z.object({
  displayName: z.string().min(1).optional(),
  licence: licenceSchema.optional(),
  settings: tenantSettingsSchema.optional(),
})

export function registerTenantRoutes(app: FastifyInstance, state: SimState): void {
  app.get('/_sim/tenants', (_req, reply) =>
    reply.send([...state.tenants.values()].map((t) => state.tenantSummary(t))),
  )

  app.post('/_sim/tenants', async (req, reply) => {
    const seed = parse(tenantSeedSchema, req.body, reply)
    if (!seed) return reply
    let created: Tenant
    try {
      created = state.createTenant(seed)
    } catch (e) {
      return problem(reply, 409, (e as Error).message)
    }
    return reply.code(201).send(state.tenantSummary(created))
  })

  app.get<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId', (req) => {
    return state.tenantSummary(tenantOf(req))
  })

  app.patch<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId', async (req, reply) => {
    const t = tenantOf(req)
    const p = parse(tenantPatchSchema, req.body, reply)
    if (!p) return reply
    if (p.displayName) t.displayName = p.displayName
    if (p.licence) t.licence = p.licence
    if (p.settings) t.settings = { ...t.settings, ...p.settings }
    return state.tenantSummary(t)
  })

  app.delete<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId', async (req, reply) => {
    const t = tenantOf(req)
    state.deleteTenant(t.id)
    return reply.code(204).send()
  })

  app.post<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId/users', async (req, reply) => {
    const t = tenantOf(req)
    const u = parse(userSeedSchema, req.body, reply)
    if (!u) return reply
    return reply.code(201).send(state.addUser(t.id, u))
  })

  // ---- consent ----
  app.post<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId/consents', async (req, reply) => {
    const t = tenantOf(req)
    const c = parse(consentSeedSchema, req.body, reply)
    if (!c) return reply
    if (!state.getApp(c.clientId)) return problem(reply, 404, `unknown app ${c.clientId}`)
    return reply
      .code(201)
      .send(state.grantConsent(t.id, c.clientId, { roles: c.roles, ageSeconds: c.ageSeconds ?? 0 }))
  })

  app.post<{ Params: { tenantId: string; clientId: string } }>(
    '/_sim/tenants/:tenantId/consents/:clientId/revoke',
    async (req, reply) => {
      const t = tenantOf(req)
      if (!state.revokeConsent(t.id, req.params.clientId))
        return problem(reply, 404, `no service principal for ${req.params.clientId} in ${t.id}`)
      return reply.code(204).send()
    },
  )

  app.post<{ Params: { tenantId: string; clientId: string } }>(
    '/_sim/tenants/:tenantId/consents/:clientId/remove-roles',
    async (req, reply) => {
      const t = tenantOf(req)
      const body = parse(z.object({ roles: z.array(z.string()).optional() }), req.body, reply)
      if (!body) return reply
      try {
        return state.removeRoles(t.id, req.params.clientId, body.roles)
      } catch (e) {
        return problem(reply, 404, (e as Error).message)
      }
    },
  )
}
