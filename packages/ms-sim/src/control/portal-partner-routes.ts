// Control API: partner entries as the tenant's own administrator edits them in the portal: no read lag, and
// each edit recorded in the directory audit log as made by `?actor=`.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { SimState } from '../state.ts'
import { applyPartnerPatch, emptyPartner, UNDOCUMENTED_EXTRAS } from '../graph/partner-model.ts'
import { recordPartnerChange } from '../graph/audit-recorder.ts'
import { actorOr400, parse, problem, tenantOf } from './respond.ts'

const PARTNER = '/_sim/tenants/:tenantId/partners/:partnerTenantId'

/** A partner entry of the tenant, edited by `?actor=`. */
interface PartnerEdit {
  Params: { tenantId: string; partnerTenantId: string }
  Querystring: { actor?: string }
}

export function registerPortalPartnerRoutes(app: FastifyInstance, state: SimState): void {
  // ---- partner entries, as the tenant's own admin edits them in the portal (no read lag) ----
  app.get<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId/partners', (req) => {
    return [...tenantOf(req).partners.values()]
  })

  app.get<{ Params: { tenantId: string; partnerTenantId: string } }>(PARTNER, async (req, reply) => {
    const t = tenantOf(req)
    const p = t.partners.get(req.params.partnerTenantId.toLowerCase())
    return p ?? problem(reply, 404, `no partner entry ${req.params.partnerTenantId} in tenant ${t.id}`)
  })

  // Edits are recorded in the directory audit log as made by `?actor=` (user id or UPN; default: the
  // tenant's first user), as the portal would record them.
  app.put<PartnerEdit>(PARTNER, async (req, reply) => {
    const t = tenantOf(req)
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
    recordPartnerChange(state, t, 'partner', who, pid, before, value)
    return reply.code(before ? 200 : 201).send(value)
  })

  app.delete<PartnerEdit>(PARTNER, async (req, reply) => {
    const t = tenantOf(req)
    const who = actorOr400(t, req, reply)
    if (!who) return reply
    const pid = req.params.partnerTenantId.toLowerCase()
    const before = t.partners.get(pid)
    if (!before) return problem(reply, 404, `no partner entry ${pid} in tenant ${t.id}`)
    // The portal deletes a partner's identity synchronization policy together with the partner entry.
    t.graph.identitySync.delete(pid)
    state.writePartner(t, pid, null, 0)
    recordPartnerChange(state, t, 'partner', who, pid, before, null)
    return reply.code(204).send()
  })
}
