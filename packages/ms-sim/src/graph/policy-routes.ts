// Graph v1.0 beyond the partner entries themselves: Conditional Access policies, the authorization policy,
// directory audits, and a partner's identitySynchronization sub-resource. Permissions (app roles from the
// token) as each Microsoft Learn API page lists them:
//   https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies?view=graph-rest-1.0
//   https://learn.microsoft.com/graph/api/authorizationpolicy-get?view=graph-rest-1.0
//   https://learn.microsoft.com/graph/api/directoryaudit-list?view=graph-rest-1.0
//   https://learn.microsoft.com/graph/api/crosstenantidentitysyncpolicypartner-get?view=graph-rest-1.0
//   https://learn.microsoft.com/graph/api/crosstenantaccesspolicyconfigurationpartner-put-identitysynchronization?view=graph-rest-1.0
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Json, SimState } from '../state.ts'
import { POLICY_READ_ROLES, POLICY_WRITE_ROLES } from '../graph-permissions.ts'
import { identitySyncInputSchema } from '../graph-seed-schema.ts'
import { authorize } from './auth.ts'
import type { GraphCaller } from './auth.ts'
import { badRequest, collectionPage, graphError, graphJson, notFound, odataContext } from './respond.ts'
import { renderConditionalAccessPolicy, buildIdentitySync } from './tenant-graph.ts'
import { decodeSkipToken, encodeSkipToken, parseAuditFilter, queryAudits } from './directory-audit.ts'
import { initiatorForCaller, recordPartnerChange } from './audit-recorder.ts'
import { pagePartners } from './partner-paging.ts'

export const CONDITIONAL_ACCESS_READ_ROLES = ['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess']
export const AUTHORIZATION_POLICY_READ_ROLES = ['Policy.Read.All', 'Policy.ReadWrite.Authorization']
export const AUDIT_LOG_READ_ROLES = ['AuditLog.Read.All']
/** "List directoryAudits" names AuditLog.Read.All *and* Directory.Read.All: the second is checked too. */
export const AUDIT_LOG_COMPANION_ROLES = ['Directory.Read.All', 'Directory.ReadWrite.All']

/** Not documented for directoryAudits; Graph's usual directory page size. */
const AUDIT_DEFAULT_PAGE = 100
const AUDIT_MAX_TOP = 999

const PARTNERS = '/v1.0/policies/crossTenantAccessPolicy/partners'

export function registerGraphPolicyRoutes(app: FastifyInstance, state: SimState): void {
  const ctx = (path: string): string => odataContext(state, path)

  const authorizeAuditRead = (req: FastifyRequest, reply: FastifyReply): GraphCaller | null => {
    const caller = authorize(state, req, reply, AUDIT_LOG_READ_ROLES)
    if (!caller || caller.roles.some((r) => AUDIT_LOG_COMPANION_ROLES.includes(r))) return caller
    void graphError(
      req,
      reply,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    )
    return null
  }

  // ---------- Conditional Access ----------
  app.get('/v1.0/identity/conditionalAccess/policies', async (req, reply) => {
    const caller = authorize(state, req, reply, CONDITIONAL_ACCESS_READ_ROLES)
    if (!caller) return reply
    const all = [...caller.tenant.graph.conditionalAccessPolicies.values()].map(renderConditionalAccessPolicy)
    const page = pagePartners(all, req.query, state.settingsFor(caller.tenant).conditionalAccessPageSize)
    if (!page.ok) return graphError(req, reply, 400, 'BadRequest', page.message)
    return graphJson(
      reply,
      200,
      collectionPage(state, 'identity/conditionalAccess/policies', page.nextQuery, page.items),
    )
  })

  app.get<{ Params: { id: string } }>('/v1.0/identity/conditionalAccess/policies/:id', async (req, reply) => {
    const caller = authorize(state, req, reply, CONDITIONAL_ACCESS_READ_ROLES)
    if (!caller) return reply
    const p = caller.tenant.graph.conditionalAccessPolicies.get(req.params.id.toLowerCase())
    if (!p) return notFound(req, reply, req.params.id)
    return graphJson(reply, 200, {
      '@odata.context': ctx('identity/conditionalAccess/policies/$entity'),
      ...renderConditionalAccessPolicy(p),
    })
  })

  // ---------- authorization policy ----------
  app.get('/v1.0/policies/authorizationPolicy', async (req, reply) => {
    const caller = authorize(state, req, reply, AUTHORIZATION_POLICY_READ_ROLES)
    if (!caller) return reply
    return graphJson(reply, 200, {
      '@odata.context': ctx('policies/authorizationPolicy/$entity'),
      ...caller.tenant.graph.authorizationPolicy,
    })
  })

  // ---------- directory audits ----------
  app.get<{ Querystring: { $filter?: string; $top?: string; $skiptoken?: string } }>(
    '/v1.0/auditLogs/directoryAudits',
    async (req, reply) => {
      const caller = authorizeAuditRead(req, reply)
      if (!caller) return reply
      const q = req.query
      const clauses = q.$filter === undefined ? [] : parseAuditFilter(q.$filter)
      if (!clauses) return graphError(req, reply, 400, 'BadRequest', 'Invalid filter clause')
      let top = AUDIT_DEFAULT_PAGE
      if (q.$top !== undefined) {
        top = Number(q.$top)
        if (!Number.isInteger(top) || top < 1 || top > AUDIT_MAX_TOP)
          return graphError(
            req,
            reply,
            400,
            'BadRequest',
            `Invalid value '${q.$top}' for query option '$top'.`,
          )
      }
      const after = q.$skiptoken === undefined ? null : decodeSkipToken(q.$skiptoken)
      if (q.$skiptoken !== undefined && !after)
        return graphError(req, reply, 400, 'BadRequest', "The value of '$skiptoken' is not valid.")
      const { page, next } = queryAudits(caller.tenant.graph.directoryAudits, { clauses, top, after })
      let nextQuery: string | null = null
      if (next) {
        const params = new URLSearchParams()
        if (q.$filter !== undefined) params.set('$filter', q.$filter)
        params.set('$top', String(top))
        params.set('$skiptoken', encodeSkipToken(next))
        nextQuery = params.toString()
      }
      return graphJson(reply, 200, collectionPage(state, 'auditLogs/directoryAudits', nextQuery, page))
    },
  )

  app.get<{ Params: { id: string } }>('/v1.0/auditLogs/directoryAudits/:id', async (req, reply) => {
    const caller = authorizeAuditRead(req, reply)
    if (!caller) return reply
    const now = Date.now()
    const e = caller.tenant.graph.directoryAudits.find(
      (x) => x.body.id === req.params.id && x.visibleAtMs <= now,
    )
    if (!e) return notFound(req, reply, req.params.id)
    return graphJson(reply, 200, { '@odata.context': ctx('auditLogs/directoryAudits/$entity'), ...e.body })
  })

  // ---------- identitySynchronization of a partner ----------
  const SYNC = `${PARTNERS}/:id/identitySynchronization`

  /**
   * The caller (with one of `roles`), the partner (which must exist, as writes see it, for its sub-resource to
   * exist) and its current identity synchronization; null once the answer has been sent.
   */
  const partnerSync = (
    req: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    roles: string[],
  ): { caller: GraphCaller; id: string; current: Json | undefined } | null => {
    const caller = authorize(state, req, reply, roles)
    if (!caller) return null
    const id = req.params.id.toLowerCase()
    if (!caller.tenant.partners.has(id)) {
      void notFound(req, reply, req.params.id)
      return null
    }
    return { caller, id, current: caller.tenant.graph.identitySync.get(id) }
  }

  app.get<{ Params: { id: string } }>(SYNC, async (req, reply) => {
    const found = partnerSync(req, reply, POLICY_READ_ROLES)
    if (!found) return reply
    const { id, current: s } = found
    if (!s) return notFound(req, reply, req.params.id)
    return graphJson(reply, 200, {
      '@odata.context': ctx(
        `policies/crossTenantAccessPolicy/partners('${id}')/identitySynchronization/$entity`,
      ),
      ...s,
    })
  })

  const write =
    (mode: 'put' | 'patch') =>
    async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<FastifyReply> => {
      const found = partnerSync(req, reply, POLICY_WRITE_ROLES)
      if (!found) return reply
      const { caller, id, current } = found
      if (mode === 'patch' && !current) return notFound(req, reply, req.params.id)
      const body = (req.body ?? {}) as Json
      const { tenantId, ...rest } = body
      if (tenantId !== undefined && (typeof tenantId !== 'string' || tenantId.toLowerCase() !== id))
        return badRequest(req, reply, "Property 'tenantId' is read-only and cannot be changed.")
      const unknown = Object.keys(rest).find((k) => !['displayName', 'userSyncInbound'].includes(k))
      if (unknown) return badRequest(req, reply, `Invalid property '${unknown}'.`)
      const merged =
        mode === 'patch' && current
          ? { displayName: current.displayName, userSyncInbound: current.userSyncInbound, ...rest }
          : rest
      const parsed = identitySyncInputSchema.safeParse(merged)
      if (!parsed.success) return badRequest(req, reply, 'Invalid request body.')
      const next = buildIdentitySync(id, parsed.data)
      caller.tenant.graph.identitySync.set(id, next)
      recordSync(state, caller, id, current ?? null, next)
      return reply.code(204).send()
    }
  app.put<{ Params: { id: string } }>(SYNC, write('put'))
  app.patch<{ Params: { id: string } }>(SYNC, write('patch'))

  app.delete<{ Params: { id: string } }>(SYNC, async (req, reply) => {
    const found = partnerSync(req, reply, POLICY_WRITE_ROLES)
    if (!found) return reply
    const { caller, id, current } = found
    if (!current) return notFound(req, reply, req.params.id)
    caller.tenant.graph.identitySync.delete(id)
    recordSync(state, caller, id, current, null)
    return reply.code(204).send()
  })
}

function recordSync(
  state: SimState,
  caller: GraphCaller,
  id: string,
  before: Json | null,
  after: Json | null,
): void {
  recordPartnerChange(
    state,
    caller.tenant,
    'identitySync',
    initiatorForCaller(state, caller),
    id,
    before,
    after,
  )
}
