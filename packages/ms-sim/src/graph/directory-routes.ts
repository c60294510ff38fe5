// Graph v1.0 directory reads: /organization, /subscribedSkus and the tenant information lookups
// (findTenantInformationByTenantId / ByDomainName).
import type { FastifyInstance } from 'fastify'
import type { Json, SimState, Tenant } from '../state.ts'
import { DIRECTORY_READ_ROLES } from '../graph-permissions.ts'
import { authorize } from './auth.ts'
import { graphError, graphJson, notFound, odataContext, select } from './respond.ts'
import { GUID_RE } from './partner-model.ts'
import { prepaidUnits, skuStatus, skusFor } from './skus.ts'

export function registerDirectoryRoutes(app: FastifyInstance, state: SimState): void {
  const ctx = (path: string): string => odataContext(state, path)

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
