// Control API: the tenant's default cross-tenant access settings as its own administrator edits them in the
// portal. Each edit is recorded in the directory audit log as made by `?actor=`, with the activity names the
// Graph routes use (Microsoft's audit activity reference:
// https://learn.microsoft.com/entra/identity/monitoring-health/reference-audit-activities).
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Json, SimState, Tenant } from '../state.ts'
import { CROSS_TENANT_CATEGORY, recordAudit } from '../graph/audit-recorder.ts'
import type { AuditInitiator } from '../graph/directory-audit.ts'
import { AUDIT_ACTIVITIES } from '../graph/directory-audit.ts'
import { applyDefaultPatch, serviceDefaultPolicy } from '../graph/partner-model.ts'
import { validatePartnerBody } from '../graph/partner-validation.ts'
import { actorOr400, parse, problem, tenantOf } from './respond.ts'

const DEFAULT = '/_sim/tenants/:tenantId/default-policy'

interface DefaultEdit {
  Params: { tenantId: string }
  Querystring: { actor?: string }
}

function replaceDefault(state: SimState, t: Tenant, who: AuditInitiator, next: Json, activity: string): void {
  const before = t.defaultPolicy
  t.defaultPolicy = next
  recordAudit(state, t, {
    category: CROSS_TENANT_CATEGORY,
    activity,
    operationType: 'Update',
    initiatedBy: who,
    targetId: String(before.id),
    before,
    after: next,
  })
}

export function registerPortalDefaultPolicyRoutes(app: FastifyInstance, state: SimState): void {
  app.get<{ Params: { tenantId: string } }>(DEFAULT, (req) => tenantOf(req).defaultPolicy)

  // PATCH as Graph's PATCH does it (nested objects per the `partnerPatchNested` switch), no read lag.
  app.patch<DefaultEdit>(DEFAULT, async (req, reply) => {
    const t = tenantOf(req)
    const who = actorOr400(t, req, reply)
    if (!who) return reply
    const body = parse(z.record(z.string(), z.unknown()), req.body, reply)
    if (!body) return reply
    const v = validatePartnerBody(body, 'update')
    if (!v.ok) return problem(reply, 400, v.error.message)
    if ('isServiceProvider' in v.value || 'tenantId' in v.value)
      return problem(reply, 400, 'tenantId and isServiceProvider are not properties of the default policy')
    const next = applyDefaultPatch(t.defaultPolicy, v.value, state.settingsFor(t).partnerPatchNested)
    replaceDefault(state, t, who, next, AUDIT_ACTIVITIES.defaultUpdated)
    return t.defaultPolicy
  })

  // The portal's "Reset to default" (Graph: resetToSystemDefault).
  app.post<DefaultEdit>(`${DEFAULT}/reset`, async (req, reply) => {
    const t = tenantOf(req)
    const who = actorOr400(t, req, reply)
    if (!who) return reply
    replaceDefault(state, t, who, serviceDefaultPolicy(), AUDIT_ACTIVITIES.defaultReset)
    return t.defaultPolicy
  })
}
