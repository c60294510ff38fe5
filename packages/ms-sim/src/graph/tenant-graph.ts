// Per-tenant Graph state beyond partner entries: Conditional Access policies, the authorization policy,
// partners' identity synchronization policies, licence states, the cloud the tenant lives in, and its
// directory audit log. Kept in one object on the tenant so the identity side of the state stays untouched.
import { randomUUID } from 'node:crypto'
import { conditionalAccessPolicyInputSchema, GUEST_ROLE_IDS } from '../graph-seed-schema.ts'
import type {
  AuthorizationPolicyPatch,
  CloudSeed,
  ConditionalAccessPolicy,
  ConditionalAccessPolicyInput,
  IdentitySyncInput,
  SkuCapabilityStatus,
} from '../graph-seed-schema.ts'
import type { DirectoryAudit } from './directory-audit.ts'

type Json = Record<string, unknown>

export interface TenantCloud {
  cloudInstanceName: 'microsoftonline.com' | 'microsoftonline.us' | 'partner.microsoftonline.cn'
  tenantRegionScope: string | null
  tenantRegionSubScope: string | undefined
}

export interface TenantGraph {
  conditionalAccessPolicies: Map<string, ConditionalAccessPolicy>
  authorizationPolicy: Json
  /** By partner tenant id (lower case). */
  identitySync: Map<string, Json>
  skuStatuses: Record<string, SkuCapabilityStatus>
  cloud: TenantCloud
  /** Newest last; reads filter by ingestion time and sort newest first. */
  directoryAudits: DirectoryAudit[]
}

const isoSeconds = (ms = Date.now()): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

/**
 * A new tenant's authorization policy: members and guests may invite ("everyone"), guests get the Guest
 * User role. Values as Microsoft Learn's authorizationPolicy GET example shows them.
 */
export function defaultAuthorizationPolicy(): Json {
  return {
    id: 'authorizationPolicy',
    allowInvitesFrom: 'everyone',
    allowedToSignUpEmailBasedSubscriptions: true,
    allowedToUseSSPR: true,
    allowEmailVerifiedUsersToJoinOrganization: false,
    allowUserConsentForRiskyApps: null,
    blockMsolPowerShell: false,
    description: 'Used to manage authorization related settings across the company.',
    displayName: 'Authorization Policy',
    guestUserRoleId: GUEST_ROLE_IDS.guestUser,
    defaultUserRolePermissions: {
      allowedToCreateApps: true,
      allowedToCreateSecurityGroups: true,
      allowedToCreateTenants: true,
      allowedToReadBitlockerKeysForOwnedDevice: true,
      allowedToReadOtherUsers: true,
      permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForSelf.microsoft-user-default-legacy'],
    },
  }
}

/** PATCH semantics of authorizationPolicy: top-level merge; defaultUserRolePermissions merges its members. */
export function patchAuthorizationPolicy(current: Json, patch: AuthorizationPolicyPatch): Json {
  const { defaultUserRolePermissions, ...top } = patch
  const next: Json = { ...current, ...top }
  if (defaultUserRolePermissions)
    next.defaultUserRolePermissions = {
      ...(current.defaultUserRolePermissions as Json),
      ...defaultUserRolePermissions,
    }
  return next
}

const CLOUD_REGION: Record<TenantCloud['cloudInstanceName'], string> = {
  'microsoftonline.com': 'EU',
  'microsoftonline.us': 'USGov',
  'partner.microsoftonline.cn': 'AS',
}

export function tenantCloud(seed: CloudSeed | undefined, isConsumer: boolean): TenantCloud {
  const name = seed?.cloudInstanceName ?? 'microsoftonline.com'
  return {
    cloudInstanceName: name,
    // The Microsoft account tenant's document carries tenant_region_scope null.
    tenantRegionScope:
      seed?.tenantRegionScope !== undefined ? seed.tenantRegionScope : isConsumer ? null : CLOUD_REGION[name],
    tenantRegionSubScope: seed?.tenantRegionSubScope,
  }
}

export function emptyTenantGraph(): TenantGraph {
  return {
    conditionalAccessPolicies: new Map(),
    authorizationPolicy: defaultAuthorizationPolicy(),
    identitySync: new Map(),
    skuStatuses: {},
    cloud: tenantCloud(undefined, false),
    directoryAudits: [],
  }
}

/** Validates and completes a Conditional Access policy as Graph stores it (every property present). */
export function buildConditionalAccessPolicy(
  input: ConditionalAccessPolicyInput,
  previous?: ConditionalAccessPolicy,
): ConditionalAccessPolicy {
  const p = conditionalAccessPolicyInputSchema.parse(input)
  const now = isoSeconds()
  const users = p.conditions.users
  const withTenantsType = (g: typeof users.includeGuestsOrExternalUsers): Json | null => {
    if (!g) return null
    const ext = g.externalTenants
    return {
      guestOrExternalUserTypes: g.guestOrExternalUserTypes,
      externalTenants: ext
        ? ext.membershipKind === 'enumerated'
          ? {
              '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants',
              membershipKind: 'enumerated',
              members: ext.members ?? [],
            }
          : {
              '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants',
              membershipKind: ext.membershipKind,
            }
        : null,
    }
  }
  return {
    ...p,
    id: (previous?.id ?? p.id ?? randomUUID()).toLowerCase(),
    createdDateTime: previous?.createdDateTime ?? p.createdDateTime ?? now,
    modifiedDateTime: previous ? now : (p.modifiedDateTime ?? null),
    conditions: {
      ...p.conditions,
      users: {
        ...users,
        includeGuestsOrExternalUsers: withTenantsType(users.includeGuestsOrExternalUsers),
        excludeGuestsOrExternalUsers: withTenantsType(users.excludeGuestsOrExternalUsers),
      },
    },
  } as ConditionalAccessPolicy
}

/** The order Microsoft Learn's conditionalAccessPolicy JSON representation lists the properties in. */
export function renderConditionalAccessPolicy(p: ConditionalAccessPolicy): Json {
  const c = p.conditions
  return {
    id: p.id,
    templateId: p.templateId,
    displayName: p.displayName,
    createdDateTime: p.createdDateTime,
    modifiedDateTime: p.modifiedDateTime,
    state: p.state,
    sessionControls: p.sessionControls,
    conditions: {
      userRiskLevels: c.userRiskLevels,
      signInRiskLevels: c.signInRiskLevels,
      clientAppTypes: c.clientAppTypes,
      servicePrincipalRiskLevels: c.servicePrincipalRiskLevels,
      insiderRiskLevels: c.insiderRiskLevels,
      platforms: c.platforms,
      locations: c.locations,
      devices: c.devices,
      clientApplications: c.clientApplications,
      authenticationFlows: c.authenticationFlows,
      applications: c.applications,
      users: c.users,
    },
    grantControls: p.grantControls,
  }
}

export function buildIdentitySync(partnerTenantId: string, input: IdentitySyncInput): Json {
  return {
    tenantId: partnerTenantId,
    displayName: input.displayName ?? null,
    userSyncInbound: input.userSyncInbound ?? null,
  }
}

/** The tenant seed's Graph-side fields, after parsing. */
export interface TenantGraphSeed {
  id: string
  conditionalAccessPolicies: ConditionalAccessPolicyInput[]
  authorizationPolicy?: AuthorizationPolicyPatch | undefined
  identitySynchronization: {
    tenantId: string
    displayName?: string | null | undefined
    userSyncInbound?: { isSyncAllowed: boolean | null } | null | undefined
  }[]
  skuStatuses: Record<string, SkuCapabilityStatus>
  cloud?: CloudSeed | undefined
}

export function seedTenantGraph(
  partnerIds: Set<string>,
  seed: TenantGraphSeed,
  isConsumer: boolean,
): TenantGraph {
  const g = emptyTenantGraph()
  g.cloud = tenantCloud(seed.cloud, isConsumer)
  g.skuStatuses = { ...seed.skuStatuses }
  if (seed.authorizationPolicy)
    g.authorizationPolicy = patchAuthorizationPolicy(g.authorizationPolicy, seed.authorizationPolicy)
  for (const input of seed.conditionalAccessPolicies) {
    const p = buildConditionalAccessPolicy(input)
    g.conditionalAccessPolicies.set(p.id, p)
  }
  for (const s of seed.identitySynchronization) {
    const pid = s.tenantId.toLowerCase()
    if (!partnerIds.has(pid))
      throw new Error(`identitySynchronization for ${pid} in tenant ${seed.id} needs that partner entry`)
    g.identitySync.set(pid, buildIdentitySync(pid, s))
  }
  return g
}
