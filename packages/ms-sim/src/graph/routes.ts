// Graph v1.0: cross-tenant access policy (partners CRUD, default), /organization, /subscribedSkus, and
// the tenant information lookups. Status codes and error codes as in reference/microsoft-graph.md §1-4.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Json, SimState, Tenant } from '../state.ts'
import { DIRECTORY_READ_ROLES, POLICY_READ_ROLES, POLICY_WRITE_ROLES } from '../graph-permissions.ts'
import { authorize } from './auth.ts'
import { graphError, graphJson } from './respond.ts'
import {
  applyDefaultPatch,
  applyPartnerPatch,
  checkPartnerSemantics,
  emptyPartner,
  GUID_RE,
  normalisePartnerValue,
  serviceDefaultPolicy,
  UNDOCUMENTED_EXTRAS,
  validatePartnerBody,
} from './partner-model.ts'
import { prepaidUnits, skuStatus, skusFor } from './skus.ts'
import { CROSS_TENANT_CATEGORY, initiatorForCaller, recordAudit } from './audit-recorder.ts'
import { AUDIT_ACTIVITIES } from './directory-audit.ts'
import { pagePartners } from './partner-paging.ts'

const PARTNERS = '/v1.0/policies/crossTenantAccessPolicy/partners'

function select(obj: Json, q: unknown): Json {
  const sel = (q as { $select?: string } | undefined)?.$select
  if (!sel) return obj
  const keep = new Set(sel.split(',').map((s) => s.trim()))
  return Object.fromEntries(
    Object.entries(obj).filter(([k]) => keep.has(k) || k.startsWith('@odata') || k === 'tenantId'),
  )
}

function renderPartner(p: Json): Json {
  return { ...p, ...UNDOCUMENTED_EXTRAS }
}

function notFound(req: FastifyRequest, reply: FastifyReply, id: string): FastifyReply {
  return graphError(
    req,
    reply,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  )
}

/** Rules that depend on the caller or the tenant rather than the body shape. */
/** The switch-driven semantic checks of a partner/default write (see partner-model). */
function semanticError(
  state: SimState,
  tenant: Tenant,
  patch: Record<string, unknown>,
  resulting: Record<string, unknown>,
) {
  const settings = state.settingsFor(tenant)
  return checkPartnerSemantics(patch, resulting, {
    nullMode: settings.partnerPatchNull,
    mixedAccessTypes: settings.mixedAccessTypes,
  })
}

function policyChecks(
  state: SimState,
  req: FastifyRequest,
  reply: FastifyReply,
  t: Tenant,
  appOnly: boolean,
  value: Json,
): FastifyReply | null {
  if ('isServiceProvider' in value && appOnly) {
    // Third-party observation (UNCONFIRMED by Microsoft): app-only writes that set isServiceProvider get 403.
    return graphError(
      req,
      reply,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    )
  }
  const inboundTrust = value.inboundTrust
  if (inboundTrust && t.licence === 'none') {
    const mode = state.settingsFor(t).unlicensedInboundTrust
    if (mode === 'reject-400')
      return graphError(
        req,
        reply,
        400,
        'Request_BadRequest',
        'Trust settings require a Microsoft Entra ID P1 license.',
      )
    if (mode === 'reject-403')
      return graphError(
        req,
        reply,
        403,
        'Authorization_RequestDenied',
        'This operation requires a Microsoft Entra ID P1 license.',
      )
  }
  return null
}

function parseBody(req: FastifyRequest): unknown {
  return req.body
}

export function registerGraphRoutes(app: FastifyInstance, state: SimState): void {
  const ctx = (path: string): string => `${state.graphUrl}/v1.0/$metadata#${path}`

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

  app.get(PARTNERS, async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_READ_ROLES)
    if (!caller) return reply
    const all = state.listPartners(caller.tenant)
    const page = pagePartners(all, req.query, state.settingsFor(caller.tenant).partnersPageSize)
    if (!page.ok) return graphError(req, reply, 400, 'BadRequest', page.message)
    return graphJson(reply, 200, {
      '@odata.context': ctx('policies/crossTenantAccessPolicy/partners'),
      ...(page.nextQuery === null
        ? {}
        : { '@odata.nextLink': `${state.graphUrl}${PARTNERS}?${page.nextQuery}` }),
      value: page.items.map((p) => select(renderPartner(p), req.query)),
    })
  })

  app.post(PARTNERS, async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_WRITE_ROLES)
    if (!caller) return reply
    const v = validatePartnerBody(parseBody(req), 'create')
    if (!v.ok) return graphError(req, reply, v.error.status, v.error.code, v.error.message)
    const tid = String(v.value.tenantId)
    if (tid === caller.tenant.id)
      return graphError(
        req,
        reply,
        400,
        'Request_BadRequest',
        'A partner configuration cannot target the tenant itself.',
      )
    const blocked = policyChecks(state, req, reply, caller.tenant, caller.appOnly, v.value)
    if (blocked) return blocked
    if (caller.tenant.partners.has(tid)) {
      return graphError(
        req,
        reply,
        409,
        'Request_MultipleObjectsWithSameKeyValue',
        'Another object with the same value for property tenantId already exists.',
      )
    }
    const created = applyPartnerPatch(emptyPartner(tid), v.value)
    const semantic = semanticError(state, caller.tenant, v.value, created)
    if (semantic) return graphError(req, reply, semantic.status, semantic.code, semantic.message)
    state.writePartner(caller.tenant, tid, created)
    state.markCreated(caller.tenant, tid)
    recordAudit(state, caller.tenant, {
      category: CROSS_TENANT_CATEGORY,
      activity: AUDIT_ACTIVITIES.partnerAdded,
      operationType: 'Add',
      initiatedBy: initiatorForCaller(state, caller),
      targetId: tid,
      before: null,
      after: created,
    })
    reply.header('location', `${state.graphUrl}${PARTNERS}/${tid}`)
    return graphJson(reply, 201, {
      '@odata.context': ctx('policies/crossTenantAccessPolicy/partners/$entity'),
      ...renderPartner(created),
    })
  })

  app.get<{ Params: { id: string } }>(`${PARTNERS}/:id`, async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_READ_ROLES)
    if (!caller) return reply
    const p = state.readPartner(caller.tenant, req.params.id)
    if (!p) return notFound(req, reply, req.params.id)
    return graphJson(
      reply,
      200,
      select(
        { '@odata.context': ctx('policies/crossTenantAccessPolicy/partners/$entity'), ...renderPartner(p) },
        req.query,
      ),
    )
  })

  app.patch<{ Params: { id: string } }>(`${PARTNERS}/:id`, async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_WRITE_ROLES)
    if (!caller) return reply
    const id = req.params.id.toLowerCase()
    const current = caller.tenant.partners.get(id)
    // Right after a create, the replica serving this write may not have the object yet.
    if (!current || state.isStillReplicating(caller.tenant, id)) return notFound(req, reply, req.params.id)
    const v = validatePartnerBody(parseBody(req), 'update')
    if (!v.ok) return graphError(req, reply, v.error.status, v.error.code, v.error.message)
    if (typeof v.value.tenantId === 'string' && v.value.tenantId !== id) {
      return graphError(
        req,
        reply,
        400,
        'Request_BadRequest',
        "Property 'tenantId' is read-only and cannot be changed.",
      )
    }
    const blocked = policyChecks(state, req, reply, caller.tenant, caller.appOnly, v.value)
    if (blocked) return blocked
    const updated = applyPartnerPatch(current, v.value, state.settingsFor(caller.tenant).partnerPatchNested)
    const semantic = semanticError(state, caller.tenant, v.value, updated)
    if (semantic) return graphError(req, reply, semantic.status, semantic.code, semantic.message)
    state.writePartner(caller.tenant, id, updated)
    recordAudit(state, caller.tenant, {
      category: CROSS_TENANT_CATEGORY,
      activity: AUDIT_ACTIVITIES.partnerUpdated,
      operationType: 'Update',
      initiatedBy: initiatorForCaller(state, caller),
      targetId: id,
      before: current,
      after: updated,
    })
    return reply.code(204).send()
  })

  app.delete<{ Params: { id: string } }>(`${PARTNERS}/:id`, async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_WRITE_ROLES)
    if (!caller) return reply
    const id = req.params.id.toLowerCase()
    const current = caller.tenant.partners.get(id)
    if (!current || state.isStillReplicating(caller.tenant, id)) return notFound(req, reply, req.params.id)
    if (caller.tenant.graph.identitySync.has(id)) {
      // Documented: the identity synchronization policy must be deleted first. The error code is not
      // documented (switch partnerDeleteWithIdentitySyncErrorCode).
      return graphError(
        req,
        reply,
        400,
        state.settingsFor(caller.tenant).partnerDeleteWithIdentitySyncErrorCode,
        'The partner configuration has an identity synchronization policy. Delete the identity synchronization policy before deleting the partner configuration.',
      )
    }
    state.writePartner(caller.tenant, id, null)
    recordAudit(state, caller.tenant, {
      category: CROSS_TENANT_CATEGORY,
      activity: AUDIT_ACTIVITIES.partnerDeleted,
      operationType: 'Delete',
      initiatedBy: initiatorForCaller(state, caller),
      targetId: id,
      before: current,
      after: null,
    })
    return reply.code(204).send()
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
    const v = validatePartnerBody(parseBody(req), 'update')
    if (!v.ok) return graphError(req, reply, v.error.status, v.error.code, v.error.message)
    if ('isServiceProvider' in v.value || 'tenantId' in v.value)
      return graphError(
        req,
        reply,
        400,
        'Request_BadRequest',
        `Invalid property '${'tenantId' in v.value ? 'tenantId' : 'isServiceProvider'}'.`,
      )
    const blocked = policyChecks(state, req, reply, caller.tenant, caller.appOnly, v.value)
    if (blocked) return blocked
    const before = caller.tenant.defaultPolicy
    const next = applyDefaultPatch(before, v.value, state.settingsFor(caller.tenant).partnerPatchNested)
    const semantic = semanticError(state, caller.tenant, v.value, next)
    if (semantic) return graphError(req, reply, semantic.status, semantic.code, semantic.message)
    caller.tenant.defaultPolicy = next
    recordAudit(state, caller.tenant, {
      category: CROSS_TENANT_CATEGORY,
      activity: AUDIT_ACTIVITIES.defaultUpdated,
      operationType: 'Update',
      initiatedBy: initiatorForCaller(state, caller),
      targetId: String(before.id),
      before,
      after: caller.tenant.defaultPolicy,
    })
    return reply.code(204).send()
  })

  app.post('/v1.0/policies/crossTenantAccessPolicy/default/resetToSystemDefault', async (req, reply) => {
    const caller = authorize(state, req, reply, POLICY_WRITE_ROLES)
    if (!caller) return reply
    const before = caller.tenant.defaultPolicy
    caller.tenant.defaultPolicy = serviceDefaultPolicy()
    recordAudit(state, caller.tenant, {
      category: CROSS_TENANT_CATEGORY,
      activity: AUDIT_ACTIVITIES.defaultReset,
      operationType: 'Update',
      initiatedBy: initiatorForCaller(state, caller),
      targetId: String(before.id),
      before,
      after: caller.tenant.defaultPolicy,
    })
    return reply.code(204).send()
  })

  const organization = (t: Tenant): Json => ({
    id: t.id,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: t.countryLetterCode,
    createdDateTime: t.createdDateTime,
    defaultUsageLocation: null,
    displayName: t.displayName,
    isMultipleDataLocationsForServicesEnabled: null,
    marketingNotificationEmails: [],
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    partnerTenantType: null,
    postalCode: null,
    preferredLanguage: 'en',
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: null,
    technicalNotificationMails: [],
    tenantType: 'AAD',
    directorySizeQuota: { used: 120, total: 300000 },
    assignedPlans: skusFor(t).flatMap((s) =>
      s.servicePlans.map((p) => ({
        assignedDateTime: t.createdDateTime,
        capabilityStatus: skuStatus(t, s.skuPartNumber),
        service: p.servicePlanName,
        servicePlanId: p.servicePlanId,
      })),
    ),
    privacyProfile: null,
    provisionedPlans: [],
    verifiedDomains: t.domains.map((name, i) => ({
      capabilities: name.endsWith('.onmicrosoft.com')
        ? 'Email, OfficeCommunicationsOnline'
        : 'Email, OfficeCommunicationsOnline, MoeraDomain',
      isDefault: i === 0,
      isInitial: name.endsWith('.onmicrosoft.com') && !name.endsWith('.mail.onmicrosoft.com'),
      name,
      type: 'Managed',
    })),
  })

  app.get('/v1.0/organization', async (req, reply) => {
    const caller = authorize(state, req, reply, DIRECTORY_READ_ROLES)
    if (!caller) return reply
    return graphJson(reply, 200, {
      '@odata.context': ctx('organization'),
      value: [select(organization(caller.tenant), req.query)],
    })
  })

  app.get<{ Params: { id: string } }>('/v1.0/organization/:id', async (req, reply) => {
    const caller = authorize(state, req, reply, DIRECTORY_READ_ROLES)
    if (!caller) return reply
    if (req.params.id.toLowerCase() !== caller.tenant.id) return notFound(req, reply, req.params.id)
    return graphJson(reply, 200, {
      '@odata.context': ctx('organization/$entity'),
      ...select(organization(caller.tenant), req.query),
    })
  })

  app.get('/v1.0/subscribedSkus', async (req, reply) => {
    const caller = authorize(state, req, reply, DIRECTORY_READ_ROLES)
    if (!caller) return reply
    const t = caller.tenant
    const value = skusFor(t).map((s) => ({
      accountName: t.displayName.replace(/\W/g, '').toUpperCase().slice(0, 16),
      accountId: t.id,
      appliesTo: 'User',
      capabilityStatus: skuStatus(t, s.skuPartNumber),
      consumedUnits: Math.min(s.units, 12),
      id: `${t.id}_${s.skuId}`,
      skuId: s.skuId,
      skuPartNumber: s.skuPartNumber,
      subscriptionIds: [`${s.skuId.slice(0, 8)}-0000-4000-8000-${t.id.slice(-12)}`],
      prepaidUnits: prepaidUnits(skuStatus(t, s.skuPartNumber), s.units),
      servicePlans: s.servicePlans.map((p) => ({ ...p, provisioningStatus: 'Success', appliesTo: 'User' })),
    }))
    return graphJson(reply, 200, { '@odata.context': ctx('subscribedSkus'), value })
  })

  // findTenantInformationByTenantId(tenantId='...') / findTenantInformationByDomainName(domainName='...')
  app.get('/v1.0/tenantRelationships/*', async (req, reply) => {
    const caller = authorize(state, req, reply, ['CrossTenantInformation.ReadBasic.All'])
    if (!caller) return reply
    const path = decodeURIComponent((req.params as { '*': string })['*'])
    const m = /^findTenantInformationBy(TenantId|DomainName)\((?:tenantId|domainName)='([^']+)'\)$/i.exec(
      path,
    )
    if (!m?.[2])
      return graphError(req, reply, 400, 'BadRequest', `Resource not found for the segment '${path}'.`)
    const t =
      m[1]?.toLowerCase() === 'tenantid'
        ? GUID_RE.test(m[2])
          ? state.getTenant(m[2])
          : undefined
        : state.resolveTenant(m[2])
    if (!t)
      return graphError(req, reply, 404, 'Request_ResourceNotFound', `Resource '${m[2]}' does not exist.`)
    return graphJson(reply, 200, {
      '@odata.context': ctx('microsoft.graph.tenantInformation'),
      tenantId: t.id,
      federationBrandName: null,
      displayName: t.displayName,
      defaultDomainName: t.domains.find((d) => d.endsWith('.onmicrosoft.com')) ?? t.domains[0],
    })
  })
}

export { normalisePartnerValue }
