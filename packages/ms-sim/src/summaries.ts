// What the control API shows of a tenant and of an app registration (secrets only as a count).
import type { App, Json, Tenant } from './sim-model.ts'

export function tenantSummary(t: Tenant): Json {
  return {
    id: t.id,
    displayName: t.displayName,
    domains: t.domains,
    defaultDomain: t.domains[0],
    licence: t.licence,
    licences: t.licence === 'none' ? [] : t.licence === 'P1' ? ['AAD_PREMIUM'] : ['AAD_PREMIUM_P2'],
    users: [...t.users.values()],
    servicePrincipals: [...t.servicePrincipals.values()].map((sp) => ({
      ...sp,
      consentedAt: new Date(sp.consentedAtMs).toISOString(),
    })),
    partnerTenantIds: [...t.partners.keys()],
    settings: t.settings,
  }
}

export function appSummary(a: App): Json {
  return {
    clientId: a.clientId,
    displayName: a.displayName,
    homeTenantId: a.homeTenantId,
    signInAudience: a.signInAudience,
    redirectUris: a.redirectUris,
    requiredGraphRoles: a.requiredGraphRoles,
    appRoles: a.appRoles,
    exposedScopes: a.exposedScopes,
    identifierUri: a.identifierUri,
    secretCount: a.secrets.length,
    certificateThumbprints: a.certificates.map((c) => ({
      sha1: c.thumbprintSha1,
      sha256: c.thumbprintSha256,
    })),
  }
}
