// Control API for the simulator itself: app registrations, global switches, fault rules, signing keys,
// directly minted tokens, the request log and reset.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { SimState } from '../state.ts'
import { appSeedSchema, simSeedSchema, tenantSettingsSchema } from '../seed-schema.ts'
import { faultRuleInputSchema } from '../faults.ts'
import { issueAppToken } from '../identity/tokens.ts'
import { GRAPH_RESOURCE } from '../graph-permissions.ts'
import { parse, problem } from './respond.ts'

const mintSchema = z.object({
  tenantId: z.string(),
  clientId: z.string(),
  roles: z.array(z.string()).optional(),
  /** Negative values mint an already-expired token. */
  lifetimeSeconds: z.number().int().optional(),
})

export function registerSystemRoutes(app: FastifyInstance, state: SimState): void {
  // ---- apps ----
  app.get('/_sim/apps', (_req, reply) => reply.send([...state.apps.values()].map((a) => state.appSummary(a))))

  app.post('/_sim/apps', async (req, reply) => {
    const a = parse(appSeedSchema, req.body, reply)
    if (!a) return reply
    return reply.code(201).send(state.appSummary(state.createApp(a)))
  })

  app.get<{ Params: { clientId: string } }>('/_sim/apps/:clientId', async (req, reply) => {
    const a = state.getApp(req.params.clientId)
    return a ? state.appSummary(a) : problem(reply, 404, `unknown app ${req.params.clientId}`)
  })

  app.patch<{ Params: { clientId: string } }>('/_sim/apps/:clientId', async (req, reply) => {
    const a = state.getApp(req.params.clientId)
    if (!a) return problem(reply, 404, `unknown app ${req.params.clientId}`)
    const p = parse(
      z.object({
        secrets: z.array(z.string()).optional(),
        redirectUris: z.array(z.string()).optional(),
        requiredGraphRoles: z.array(z.string()).optional(),
        groupMembershipClaims: appSeedSchema.shape.groupMembershipClaims.unwrap().optional(),
      }),
      req.body,
      reply,
    )
    if (!p) return reply
    if (p.secrets) a.secrets = p.secrets
    if (p.redirectUris) a.redirectUris = p.redirectUris
    if (p.requiredGraphRoles) a.requiredGraphRoles = p.requiredGraphRoles
    if (p.groupMembershipClaims) a.groupMembershipClaims = p.groupMembershipClaims
    return state.appSummary(a)
  })

  // ---- switches, faults, keys, tokens ----
  app.get('/_sim/settings', (_req, reply) => reply.send(state.settings))
  app.patch('/_sim/settings', async (req, reply) => {
    const p = parse(tenantSettingsSchema, req.body, reply)
    if (!p) return reply
    state.settings = { ...state.settings, ...p }
    return state.settings
  })

  app.get('/_sim/faults', (_req, reply) => reply.send(state.faults.rules))
  app.post('/_sim/faults', async (req, reply) => {
    const f = parse(faultRuleInputSchema, req.body, reply)
    if (!f) return reply
    return reply.code(201).send(state.faults.add(f))
  })
  app.delete<{ Params: { id: string } }>('/_sim/faults/:id', async (req, reply) =>
    state.faults.remove(req.params.id) ? reply.code(204).send() : problem(reply, 404, 'no such fault'),
  )
  app.delete<{ Querystring: { tenantId?: string } }>('/_sim/faults', async (req, reply) => {
    state.faults.clear(req.query.tenantId)
    return reply.code(204).send()
  })

  app.post('/_sim/keys/rotate', async (req, reply) => {
    const p = parse(z.object({ dropOld: z.boolean().optional() }), req.body, reply)
    if (!p) return reply
    return { kid: await state.keys.rotate(p) }
  })

  /** Mints an app token directly (e.g. an expired one) without going through the token endpoint. */
  app.post('/_sim/tokens', async (req, reply) => {
    const p = parse(mintSchema, req.body, reply)
    if (!p) return reply
    const t = state.resolveTenant(p.tenantId)
    const a = state.getApp(p.clientId)
    if (!t || !a) return problem(reply, 404, 'unknown tenant or app')
    const sp = t.servicePrincipals.get(a.clientId) ?? {
      id: '00000000-0000-0000-0000-000000000000',
      appId: a.clientId,
      roles: [],
      consentedAtMs: 0,
    }
    const token = await issueAppToken(
      state,
      t,
      a,
      sp,
      GRAPH_RESOURCE,
      p.roles ?? sp.roles,
      'secret',
      p.lifetimeSeconds ?? 3599,
    )
    return { access_token: token }
  })

  app.get<{
    Querystring: { since?: string; tenant?: string; origin?: string; http?: string; limit?: string }
  }>('/_sim/requests', (req, reply) => {
    const q = req.query
    return reply.send(
      state.requests.list({
        sinceSeq: q.since ? Number(q.since) : undefined,
        tenant: q.tenant,
        origin: q.origin,
        http: q.http === 'true',
        limit: q.limit ? Number(q.limit) : undefined,
      }),
    )
  })
  app.delete('/_sim/requests', async (_req, reply) => {
    state.requests.clear()
    return reply.code(204).send()
  })

  app.post('/_sim/reset', async (req, reply) => {
    if (req.body && typeof req.body === 'object' && Object.keys(req.body).length > 0) {
      const seed = parse(simSeedSchema, req.body, reply)
      if (!seed) return reply
      state.reset(seed)
    } else state.reset()
    return reply.code(204).send()
  })
}
