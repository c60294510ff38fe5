// Control API under /_sim/ (served on both origins): create tenants/apps/users, grant/revoke consent,
// tamper partner entries as a tenant's own admin would, switches, faults, key rotation, request log, reset.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { SimState, Tenant } from '../state.ts'
import {
  appSeedSchema,
  consentSeedSchema,
  licenceSchema,
  simSeedSchema,
  tenantSeedSchema,
  tenantSettingsSchema,
  userSeedSchema,
} from '../seed-schema.ts'
import { faultRuleInputSchema } from '../faults.ts'
import { applyPartnerPatch, emptyPartner, UNDOCUMENTED_EXTRAS } from '../graph/partner-model.ts'
import { issueAppToken } from '../identity/tokens.ts'
import { GRAPH_RESOURCE } from '../graph-permissions.ts'
import { actorOr400, registerControlGraphRoutes } from './graph-routes.ts'
import { CROSS_TENANT_CATEGORY, recordAudit } from '../graph/audit-recorder.ts'
import { AUDIT_ACTIVITIES } from '../graph/directory-audit.ts'

function problem(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ title: status === 404 ? 'Not Found' : 'Bad Request', status, detail })
}

function parse<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | null {
  const r = schema.safeParse(body ?? {})
  if (!r.success) {
    void problem(reply, 400, z.prettifyError(r.error))
    return null
  }
  return r.data
}

function tenantOr404(
  state: SimState,
  req: FastifyRequest<{ Params: { tenantId: string } }>,
  reply: FastifyReply,
): Tenant | null {
  const t = state.resolveTenant(req.params.tenantId)
  if (!t) {
    void problem(reply, 404, `unknown tenant ${req.params.tenantId}`)
    return null
  }
  return t
}

const tenantPatchSchema = z.object({
  displayName: z.string().min(1).optional(),
  licence: licenceSchema.optional(),
  settings: tenantSettingsSchema.optional(),
})

const mintSchema = z.object({
  tenantId: z.string(),
  clientId: z.string(),
  roles: z.array(z.string()).optional(),
  /** Negative values mint an already-expired token. */
  lifetimeSeconds: z.number().int().optional(),
})

export function registerControlRoutes(app: FastifyInstance, state: SimState): void {
  app.get('/_sim/health', (_req, reply) =>
    reply.send({ ok: true, loginUrl: state.loginUrl, graphUrl: state.graphUrl }),
  )

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

  app.get<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId', async (req, reply) => {
    const t = tenantOr404(state, req, reply)
    return t ? state.tenantSummary(t) : reply
  })

  app.patch<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId', async (req, reply) => {
    const t = tenantOr404(state, req, reply)
    if (!t) return reply
    const p = parse(tenantPatchSchema, req.body, reply)
    if (!p) return reply
    if (p.displayName) t.displayName = p.displayName
    if (p.licence) t.licence = p.licence
    if (p.settings) t.settings = { ...t.settings, ...p.settings }
    return state.tenantSummary(t)
  })

  app.delete<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId', async (req, reply) => {
    const t = tenantOr404(state, req, reply)
    if (!t) return reply
    state.deleteTenant(t.id)
    return reply.code(204).send()
  })

  app.post<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId/users', async (req, reply) => {
    const t = tenantOr404(state, req, reply)
    if (!t) return reply
    const u = parse(userSeedSchema, req.body, reply)
    if (!u) return reply
    return reply.code(201).send(state.addUser(t.id, u))
  })

  // ---- partner entries, as the tenant's own admin edits them in the portal (no read lag) ----
  app.get<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId/partners', async (req, reply) => {
    const t = tenantOr404(state, req, reply)
    return t ? [...t.partners.values()] : reply
  })

  app.get<{ Params: { tenantId: string; partnerTenantId: string } }>(
    '/_sim/tenants/:tenantId/partners/:partnerTenantId',
    async (req, reply) => {
      const t = tenantOr404(state, req, reply)
      if (!t) return reply
      const p = t.partners.get(req.params.partnerTenantId.toLowerCase())
      return p ?? problem(reply, 404, `no partner entry ${req.params.partnerTenantId} in tenant ${t.id}`)
    },
  )

  // Edits are recorded in the directory audit log as made by `?actor=` (user id or UPN; default: the
  // tenant's first user), as the portal would record them.
  app.put<{ Params: { tenantId: string; partnerTenantId: string }; Querystring: { actor?: string } }>(
    '/_sim/tenants/:tenantId/partners/:partnerTenantId',
    async (req, reply) => {
      const t = tenantOr404(state, req, reply)
      if (!t) return reply
      const who = actorOr400(t, req, reply)
      if (!who) return reply
      const body = parse(z.record(z.string(), z.unknown()), req.body, reply)
      if (!body) return reply
      const pid = req.params.partnerTenantId.toLowerCase()
      const { tenantId: _ignored, '@odata.context': _ctx, ...rest } = body
      const before = t.partners.get(pid) ?? null
      const value = applyPartnerPatch(
        emptyPartner(pid),
        Object.fromEntries(Object.entries(rest).filter(([k]) => !(k in UNDOCUMENTED_EXTRAS))),
      )
      state.writePartner(t, pid, value, 0)
      recordAudit(state, t, {
        category: CROSS_TENANT_CATEGORY,
        activity: before ? AUDIT_ACTIVITIES.partnerUpdated : AUDIT_ACTIVITIES.partnerAdded,
        operationType: before ? 'Update' : 'Add',
        initiatedBy: who,
        targetId: pid,
        before,
        after: value,
      })
      return reply.code(before ? 200 : 201).send(value)
    },
  )

  app.delete<{ Params: { tenantId: string; partnerTenantId: string }; Querystring: { actor?: string } }>(
    '/_sim/tenants/:tenantId/partners/:partnerTenantId',
    async (req, reply) => {
      const t = tenantOr404(state, req, reply)
      if (!t) return reply
      const who = actorOr400(t, req, reply)
      if (!who) return reply
      const pid = req.params.partnerTenantId.toLowerCase()
      const before = t.partners.get(pid)
      if (!before) return problem(reply, 404, `no partner entry ${pid} in tenant ${t.id}`)
      // The portal deletes a partner's identity synchronization policy together with the partner entry.
      t.graph.identitySync.delete(pid)
      state.writePartner(t, pid, null, 0)
      recordAudit(state, t, {
        category: CROSS_TENANT_CATEGORY,
        activity: AUDIT_ACTIVITIES.partnerDeleted,
        operationType: 'Delete',
        initiatedBy: who,
        targetId: pid,
        before,
        after: null,
      })
      return reply.code(204).send()
    },
  )

  // ---- consent ----
  app.post<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId/consents', async (req, reply) => {
    const t = tenantOr404(state, req, reply)
    if (!t) return reply
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
      const t = tenantOr404(state, req, reply)
      if (!t) return reply
      if (!state.revokeConsent(t.id, req.params.clientId))
        return problem(reply, 404, `no service principal for ${req.params.clientId} in ${t.id}`)
      return reply.code(204).send()
    },
  )

  app.post<{ Params: { tenantId: string; clientId: string } }>(
    '/_sim/tenants/:tenantId/consents/:clientId/remove-roles',
    async (req, reply) => {
      const t = tenantOr404(state, req, reply)
      if (!t) return reply
      const body = parse(z.object({ roles: z.array(z.string()).optional() }), req.body, reply)
      if (!body) return reply
      try {
        return state.removeRoles(t.id, req.params.clientId, body.roles)
      } catch (e) {
        return problem(reply, 404, (e as Error).message)
      }
    },
  )

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
      }),
      req.body,
      reply,
    )
    if (!p) return reply
    if (p.secrets) a.secrets = p.secrets
    if (p.redirectUris) a.redirectUris = p.redirectUris
    if (p.requiredGraphRoles) a.requiredGraphRoles = p.requiredGraphRoles
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

  app.get<{ Querystring: { since?: string; tenant?: string; origin?: string; limit?: string } }>(
    '/_sim/requests',
    (req, reply) => {
      const q = req.query
      return reply.send(
        state.requests.list({
          sinceSeq: q.since ? Number(q.since) : undefined,
          tenant: q.tenant,
          origin: q.origin,
          limit: q.limit ? Number(q.limit) : undefined,
        }),
      )
    },
  )
  app.delete('/_sim/requests', async (_req, reply) => {
    state.requests.clear()
    return reply.code(204).send()
  })

  registerControlGraphRoutes(app, state)

  app.post('/_sim/reset', async (req, reply) => {
    if (req.body && typeof req.body === 'object' && Object.keys(req.body).length > 0) {
      const seed = parse(simSeedSchema, req.body, reply)
      if (!seed) return reply
      state.reset(seed)
    } else state.reset()
    return reply.code(204).send()
  })
}
