// The JSON-compatible seed format: what a simulated Microsoft cloud starts with. Loaded from a file by the CLI
// or passed to startSimulator(); validated with zod so a bad seed file fails with a message naming the field.
import { z } from 'zod'
import { MSA_TENANT_ID, tenantGraphSeedShape } from './graph-seed-schema.ts'

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID')

export const licenceSchema = z.enum(['none', 'P1', 'P2'])
export type Licence = z.infer<typeof licenceSchema>

export const tenantSettingsSchema = z
  .object({
    /** Seconds after consent during which the token endpoint says the service principal is missing. */
    consentMissingSeconds: z.number().min(0),
    /** Seconds after that during which tokens are issued without `roles`. */
    consentNoRolesSeconds: z.number().min(0),
    /** Which AADSTS code the "missing" phase answers with. */
    consentMissingErrorCode: z.union([z.literal(7000229), z.literal(700016), z.literal(65001)]),
    /** Seconds a write stays invisible to reads of the same partner entry (eventual consistency). */
    readLagSeconds: z.number().min(0),
    /** UNCONFIRMED in Microsoft's docs: what a tenant without Entra ID P1 gets when it writes inboundTrust. */
    unlicensedInboundTrust: z.enum(['accept', 'reject-400', 'reject-403']),
    /** Which OAuth error the admin consent page returns when the admin clicks Cancel (the docs' example uses consent_required). */
    consentCancelError: z.enum(['consent_required', 'access_denied']),
    /** Whether Graph re-checks the live service principal (consent revoked / roles removed) or trusts the token until it expires. */
    revocationEffect: z.enum(['immediate', 'token-expiry']),
    /** What a token request gets when the service principal exists but has no granted Graph roles. */
    rolesRemovedBehavior: z.enum(['token-without-roles', 'aadsts65001']),
    /** What a token request gets when the app is registered but has no service principal in the tenant. */
    missingServicePrincipalErrorCode: z.union([z.literal(7000229), z.literal(700016)]),
    /** Seconds before a directory audit entry shows up in GET /auditLogs/directoryAudits (ingestion latency). */
    auditIngestionDelaySeconds: z.number().min(0),
    /** Page size of GET /policies/crossTenantAccessPolicy/partners (undocumented by Microsoft). */
    partnersPageSize: z.number().int().min(1),
    /** Page size of GET /identity/conditionalAccess/policies (undocumented by Microsoft). */
    conditionalAccessPageSize: z.number().int().min(1),
    /** Error code of a partner DELETE refused because the partner still has an identitySynchronization policy. */
    partnerDeleteWithIdentitySyncErrorCode: z.string().min(1),
    /** App-only Graph access tokens: Microsoft's v1 JWT, or an opaque string (clients must not parse Graph tokens). */
    graphTokenFormat: z.enum(['jwt', 'opaque']),
    /** Lifetime (and `expires_in`) of app-only access tokens from the token endpoint. */
    appTokenLifetimeSeconds: z.number().int().min(1).max(86_400),
    /** Seconds after a Graph POST of a partner during which PATCH/DELETE of it answer 404 Request_ResourceNotFound. */
    createNotFoundSeconds: z.number().min(0),
    /** Undocumented: a nested object in a partner PATCH replaces the stored one wholesale, or is deep-merged into it. */
    partnerPatchNested: z.enum(['replace', 'merge']),
    /** Undocumented: a partner PATCH setting a top-level property to null resets it to inherited, or is refused with 400. */
    partnerPatchNull: z.enum(['reset-to-inherited', 'reject-400']),
    /** Undocumented: one B2B setting whose usersAndGroups and applications have different accessType values. */
    mixedAccessTypes: z.enum(['reject-400', 'accept']),
    /** Order of the answers of a JSON batch: shuffled (Microsoft: "may appear in a different order") or the requests' order. */
    batchResponseOrder: z.enum(['shuffled', 'request']),
    batchThrottledStatus: z.union([z.literal(424), z.literal(200)]),
  })
  .partial()
export type TenantSettings = z.infer<typeof tenantSettingsSchema>

export const userSeedSchema = z.object({
  id: guid.optional(),
  displayName: z.string().min(1),
  userPrincipalName: z.string().min(3),
  /** App roles assigned to this user, by the client id of the app that defines them (e.g. the staff app). */
  appRoles: z.record(z.string(), z.array(z.string())).optional(),
  /**
   * Microsoft Entra directory roles by display name (e.g. `Global Administrator`). Admin consent to
   * application permissions needs `Global Administrator` or `Privileged Role Administrator`.
   */
  directoryRoles: z.array(z.string()).optional(),
})
export type UserSeed = z.infer<typeof userSeedSchema>

export const consentSeedSchema = z.object({
  clientId: guid,
  /** Graph app roles granted (names like Policy.ReadWrite.CrossTenantAccess); default = the app's required roles. */
  roles: z.array(z.string()).optional(),
  /** Seconds ago the consent happened (default: long ago, so no replication delay applies). */
  ageSeconds: z.number().min(0).optional(),
})

export const tenantSeedSchema = z
  .object({
    id: guid,
    displayName: z.string().min(1),
    /**
     * Verified domains; the first is the default domain. A `<name>.onmicrosoft.com` initial domain is added if
     * absent. Only the Microsoft account (consumer) tenant has none.
     */
    domains: z.array(z.string().min(3)),
    licence: licenceSchema.default('none'),
    countryLetterCode: z.string().length(2).optional(),
    users: z.array(userSeedSchema).default([]),
    /** Partner entries exactly as Graph would return them (tenantId required). */
    partners: z.array(z.record(z.string(), z.unknown())).default([]),
    consents: z.array(consentSeedSchema).default([]),
    settings: tenantSettingsSchema.optional(),
    ...tenantGraphSeedShape,
  })
  .refine((t) => t.domains.length > 0 || t.id.toLowerCase() === MSA_TENANT_ID, {
    error: 'a tenant needs at least one domain (only the Microsoft account tenant has none)',
    path: ['domains'],
  })
export type TenantSeed = z.input<typeof tenantSeedSchema>

export const appSeedSchema = z.object({
  clientId: guid,
  displayName: z.string().min(1),
  homeTenantId: guid,
  signInAudience: z.enum(['AzureADMyOrg', 'AzureADMultipleOrgs']).default('AzureADMultipleOrgs'),
  secrets: z.array(z.string().min(1)).default([]),
  /** PEM certificates registered under "Certificates & secrets". */
  certificates: z.array(z.string().includes('BEGIN CERTIFICATE')).default([]),
  redirectUris: z.array(z.string()).default([]),
  /** Graph application permissions (app roles) the app requires, by value, e.g. Policy.ReadWrite.CrossTenantAccess. */
  requiredGraphRoles: z.array(z.string()).default([]),
  /** App roles this app itself defines (for an API such as the staff app): Viewer, Operator, Admin. */
  appRoles: z.array(z.string()).default([]),
  /** Delegated scopes this app exposes (e.g. access_as_user); tokens for it carry them in `scp`. */
  exposedScopes: z.array(z.string()).default([]),
  /** Application ID URI, default api://<clientId>. */
  identifierUri: z.string().optional(),
  /**
   * The manifest's `groupMembershipClaims`. Microsoft's default is none; `DirectoryRole` or `All` makes ID
   * tokens carry `wids` (the user's directory role template ids).
   * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
   */
  groupMembershipClaims: z
    .enum(['None', 'SecurityGroup', 'DirectoryRole', 'ApplicationGroup', 'All'])
    .default('None'),
})
export type AppSeed = z.input<typeof appSeedSchema>

export const simSeedSchema = z.object({
  tenants: z.array(tenantSeedSchema).default([]),
  apps: z.array(appSeedSchema).default([]),
  settings: tenantSettingsSchema.optional(),
})
/** Initial tenants/apps/users; JSON-compatible. */
export type SimSeed = z.input<typeof simSeedSchema>
