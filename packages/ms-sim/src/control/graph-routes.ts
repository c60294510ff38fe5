// Control API for the tenant's Graph-side policies, edited the way the tenant's own administrator would in
// the portal: Conditional Access policies, the authorization policy, partners' identity synchronization,
// licence states per SKU; and a view of the whole directory audit log (including entries not yet ingested).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Json, SimState, Tenant } from '../state.ts'
import {
  authorizationPolicyPatchSchema,
  conditionalAccessPolicyInputSchema,
  identitySyncInputSchema,
  skuCapabilityStatusSchema,
} from '../graph-seed-schema.ts'
import {
  buildConditionalAccessPolicy,
  buildIdentitySync,
  defaultAuthorizationPolicy,
  patchAuthorizationPolicy,
  renderConditionalAccessPolicy,
} from '../graph/tenant-graph.ts'
import { recordPartnerChange } from '../graph/audit-recorder.ts'
import { actorOr400, parse, problem, tenantOf } from './respond.ts'
import type { AuditInitiator } from '../graph/directory-audit.ts'

/** A partner's identity synchronization, edited by `?actor=`. */
interface PartnerSyncEdit {
  Params: { tenantId: string; partnerTenantId: string }
  Querystring: { actor?: string }
}

export function registerControlGraphRoutes(app: FastifyInstance, state: SimState): void {
  const CA = '/_sim/tenants/:tenantId/conditional-access/policies'

  app.get<{ Params: { tenantId: string } }>(CA, (req) =>
    [...tenantOf(req).graph.conditionalAccessPolicies.values()].map(renderConditionalAccessPolicy),
  )

  app.post<{ Params: { tenantId: string } }>(CA, async (req, reply) => {
    const t = tenantOf(req)
    const input = parse(conditionalAccessPolicyInputSchema, req.body, reply)
    if (!input) return reply
    if (input.id && t.graph.conditionalAccessPolicies.has(input.id.toLowerCase()))
      return problem(reply, 409, `policy ${input.id} already exists`)
    const p = buildConditionalAccessPolicy(input)
    t.graph.conditionalAccessPolicies.set(p.id, p)
    return reply.code(201).send(renderConditionalAccessPolicy(p))
  })

  app.get<{ Params: { tenantId: string; policyId: string } }>(`${CA}/:policyId`, async (req, reply) => {
    const t = tenantOf(req)
    const p = t.graph.conditionalAccessPolicies.get(req.params.policyId.toLowerCase())
    return p ? renderConditionalAccessPolicy(p) : problem(reply, 404, `no policy ${req.params.policyId}`)
  })

  /** Replace (or create with this id): "a customer edits a Conditional Access policy". */
  app.put<{ Params: { tenantId: string; policyId: string } }>(`${CA}/:policyId`, async (req, reply) => {
    const t = tenantOf(req)
    const input = parse(conditionalAccessPolicyInputSchema, req.body, reply)
    if (!input) return reply
    const id = req.params.policyId.toLowerCase()
    const previous = t.graph.conditionalAccessPolicies.get(id)
    const p = buildConditionalAccessPolicy({ ...input, id }, previous)
    t.graph.conditionalAccessPolicies.set(p.id, p)
    return reply.code(previous ? 200 : 201).send(renderConditionalAccessPolicy(p))
  })

  app.delete<{ Params: { tenantId: string; policyId: string } }>(`${CA}/:policyId`, async (req, reply) => {
    const t = tenantOf(req)
    return t.graph.conditionalAccessPolicies.delete(req.params.policyId.toLowerCase())
      ? reply.code(204).send()
      : problem(reply, 404, `no policy ${req.params.policyId}`)
  })

  // ---- authorization policy ----
  const AUTHZ = '/_sim/tenants/:tenantId/authorization-policy'
  app.get<{ Params: { tenantId: string } }>(AUTHZ, (req) => tenantOf(req).graph.authorizationPolicy)
  /** PATCH merges (as Graph's PATCH does); PUT starts from a new tenant's defaults. */
  for (const method of ['patch', 'put'] as const) {
    app[method]<{ Params: { tenantId: string } }>(AUTHZ, async (req, reply) => {
      const t = tenantOf(req)
      const p = parse(authorizationPolicyPatchSchema, req.body, reply)
      if (!p) return reply
      const base = method === 'put' ? defaultAuthorizationPolicy() : t.graph.authorizationPolicy
      t.graph.authorizationPolicy = patchAuthorizationPolicy(base, p)
      return t.graph.authorizationPolicy
    })
  }

  // ---- identity synchronization of a partner, as the tenant's admin ----
  const SYNC = '/_sim/tenants/:tenantId/partners/:partnerTenantId/identity-synchronization'
  const partnerOf = (
    req: FastifyRequest<{ Params: { tenantId: string; partnerTenantId: string } }>,
    reply: FastifyReply,
  ): { t: Tenant; pid: string } | null => {
    const t = tenantOf(req)
    const pid = req.params.partnerTenantId.toLowerCase()
    if (!t.partners.has(pid)) {
      void problem(reply, 404, `no partner entry ${pid} in tenant ${t.id}`)
      return null
    }
    return { t, pid }
  }
  /** The partner and the administrator its identity synchronization edit is attributed to (`?actor=`). */
  const partnerEditedBy = (
    req: FastifyRequest<{
      Params: { tenantId: string; partnerTenantId: string }
      Querystring: { actor?: string }
    }>,
    reply: FastifyReply,
  ): { t: Tenant; pid: string; who: AuditInitiator } | null => {
    const found = partnerOf(req, reply)
    const who = found && actorOr400(found.t, req, reply)
    return found && who ? { ...found, who } : null
  }
  const audit = (
    t: Tenant,
    who: AuditInitiator,
    pid: string,
    before: Json | null,
    after: Json | null,
  ): void => {
    recordPartnerChange(state, t, 'identitySync', who, pid, before, after)
  }

  app.get<{ Params: { tenantId: string; partnerTenantId: string } }>(SYNC, async (req, reply) => {
    const found = partnerOf(req, reply)
    if (!found) return reply
    return (
      found.t.graph.identitySync.get(found.pid) ??
      problem(reply, 404, `no identity synchronization for ${found.pid}`)
    )
  })
  app.put<PartnerSyncEdit>(SYNC, async (req, reply) => {
    const found = partnerEditedBy(req, reply)
    if (!found) return reply
    const input = parse(identitySyncInputSchema, req.body, reply)
    if (!input) return reply
    const before = found.t.graph.identitySync.get(found.pid) ?? null
    const next = buildIdentitySync(found.pid, input)
    found.t.graph.identitySync.set(found.pid, next)
    audit(found.t, found.who, found.pid, before, next)
    return reply.code(before ? 200 : 201).send(next)
  })
  app.delete<PartnerSyncEdit>(SYNC, async (req, reply) => {
    const found = partnerEditedBy(req, reply)
    if (!found) return reply
    const before = found.t.graph.identitySync.get(found.pid)
    if (!before) return problem(reply, 404, `no identity synchronization for ${found.pid}`)
    found.t.graph.identitySync.delete(found.pid)
    audit(found.t, found.who, found.pid, before, null)
    return reply.code(204).send()
  })

  // ---- licence states ----
  app.put<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId/sku-statuses', async (req, reply) => {
    const t = tenantOf(req)
    const p = parse(z.record(z.string(), skuCapabilityStatusSchema), req.body, reply)
    if (!p) return reply
    t.graph.skuStatuses = p
    return t.graph.skuStatuses
  })

  // ---- the whole audit log, with when each entry becomes visible to Graph ----
  app.get<{ Params: { tenantId: string } }>('/_sim/tenants/:tenantId/directory-audits', (req) => {
    const t = tenantOf(req)
    return [...t.graph.directoryAudits]
      .reverse()
      .map((e) => ({ ...e.body, visibleAt: new Date(e.visibleAtMs).toISOString() }))
  })
}
