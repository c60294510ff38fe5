// Graph v1.0 cross-tenant access policy itself and its default configuration: get, update, reset to the
// system default (with directory audits).
import type { FastifyInstance } from 'fastify'
import type { Json, SimState } from '../state.ts'
import { POLICY_READ_ROLES, POLICY_WRITE_ROLES } from '../graph-permissions.ts'
import { authorize } from './auth.ts'
import type { GraphCaller } from './auth.ts'
import { badRequest, graphError, graphJson, odataContext, select } from './respond.ts'
import { applyDefaultPatch, serviceDefaultPolicy } from './partner-model.ts'
import { validatePartnerBody } from './partner-validation.ts'
import { CROSS_TENANT_CATEGORY, initiatorForCaller, recordAudit } from './audit-recorder.ts'
import { AUDIT_ACTIVITIES } from './directory-audit.ts'
import { policyChecks, semanticError } from './write-checks.ts'

export function registerDefaultPolicyRoutes(app: FastifyInstance, state: SimState): void {
  const ctx = (path: string): string => odataContext(state, path)

  app.get('/v1.0/policies/crossTenantAccessPolicy', async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_READ_ROLES)
    if (!caller) return reply
    return graphJson(reply, 200, {
      '@odata.context': ctx('policies/crossTenantAccessPolicy/$entity'),
      displayName: 'CrossTenantAccessPolicy',
      definition: [],
      isOrganizationDefault: true,
      id: 'crossTenantAccessPolicy',
      deletedDateTime: null,
      allowedCloudEndpoints: [],
    })
  })

  app.get('/v1.0/policies/crossTenantAccessPolicy/default', async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_READ_ROLES)
    if (!caller) return reply
    return graphJson(
      reply,
      200,
      select(
        {
          '@odata.context': ctx('policies/crossTenantAccessPolicy/default/$entity'),
          ...caller.tenant.defaultPolicy,
        },
        req.query,
      ),
    )
  })

  app.patch('/v1.0/policies/crossTenantAccessPolicy/default', async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_WRITE_ROLES)
    if (!caller) return reply
    const v = validatePartnerBody(req.body, 'update')
    if (!v.ok) return graphError(req, reply, v.error.status, v.error.code, v.error.message)
    if ('isServiceProvider' in v.value || 'tenantId' in v.value)
      return badRequest(
        req,
        reply,
        `Invalid property '${'tenantId' in v.value ? 'tenantId' : 'isServiceProvider'}'.`,
      )
    const blocked = policyChecks(state, req, reply, caller.tenant, caller.appOnly, v.value)
    if (blocked) return blocked
    const next = applyDefaultPatch(
      caller.tenant.defaultPolicy,
      v.value,
      state.settingsFor(caller.tenant).partnerPatchNested,
    )
    const semantic = semanticError(state, caller.tenant, v.value, next)
    if (semantic) return graphError(req, reply, semantic.status, semantic.code, semantic.message)
    replaceDefaultPolicy(state, caller, next, AUDIT_ACTIVITIES.defaultUpdated)
    return reply.code(204).send()
  })

  app.post('/v1.0/policies/crossTenantAccessPolicy/default/resetToSystemDefault', async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_WRITE_ROLES)
    if (!caller) return reply
    replaceDefaultPolicy(state, caller, serviceDefaultPolicy(), AUDIT_ACTIVITIES.defaultReset)
    return reply.code(204).send()
  })
}

/** Stores the tenant's new default configuration and records the change in its directory audit log. */
function replaceDefaultPolicy(state: SimState, caller: GraphCaller, next: Json, activity: string): void {
  const before = caller.tenant.defaultPolicy
  caller.tenant.defaultPolicy = next
  recordAudit(state, caller.tenant, {
    category: CROSS_TENANT_CATEGORY,
    activity,
    operationType: 'Update',
    initiatedBy: initiatorForCaller(state, caller),
    targetId: String(before.id),
    before,
    after: next,
  })
}
