// The crossTenantAccessPolicyConfigurationPartner resource as Graph v1.0 stores and returns it, and what a
// PATCH does to it. Body validation: partner-validation.ts.
type Json = Record<string, unknown>

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Every property of a partner with its "inherited" value, in the order Microsoft's docs show them. */
export function emptyPartner(tenantId: string): Json {
  return {
    tenantId,
    inboundTrust: null,
    isInMultiTenantOrganization: false,
    isServiceProvider: null,
    automaticUserConsentSettings: { inboundAllowed: null, outboundAllowed: null },
    b2bCollaborationInbound: null,
    b2bCollaborationOutbound: null,
    b2bDirectConnectOutbound: null,
    b2bDirectConnectInbound: null,
    tenantRestrictions: null,
    m365CollaborationInbound: null,
    m365CollaborationOutbound: null,
    appServiceConnectInbound: null,
  }
}

/** Properties real responses carry that are not in the v1.0 docs (seen in a PowerShell dump); clients must ignore them. */
export const UNDOCUMENTED_EXTRAS: Json = {
  crossCloudMeetingConfiguration: { inboundAllowed: null, outboundAllowed: null },
  protectedContentSharing: { inboundAllowed: null, outboundAllowed: null },
}

const allowedAll = (target: string, targetType: string, accessType = 'allowed'): Json => ({
  accessType,
  targets: [{ target, targetType }],
})

/** The service default cross-tenant access policy (B2B collaboration allowed, direct connect blocked). */
export function serviceDefaultPolicy(): Json {
  return {
    id: 'a1c5d3e2-0000-4000-8000-000000000000',
    displayName: 'CrossTenantAccessPolicyConfigurationDefault',
    isServiceDefault: true,
    inboundTrust: {
      isMfaAccepted: false,
      isCompliantDeviceAccepted: false,
      isHybridAzureADJoinedDeviceAccepted: false,
    },
    automaticUserConsentSettings: { inboundAllowed: false, outboundAllowed: false },
    b2bCollaborationOutbound: {
      usersAndGroups: allowedAll('AllUsers', 'user'),
      applications: allowedAll('AllApplications', 'application'),
    },
    b2bCollaborationInbound: {
      usersAndGroups: allowedAll('AllUsers', 'user'),
      applications: allowedAll('AllApplications', 'application'),
    },
    b2bDirectConnectOutbound: {
      usersAndGroups: allowedAll('AllUsers', 'user', 'blocked'),
      applications: allowedAll('AllApplications', 'application', 'blocked'),
    },
    b2bDirectConnectInbound: {
      usersAndGroups: allowedAll('AllUsers', 'user', 'blocked'),
      applications: allowedAll('AllApplications', 'application', 'blocked'),
    },
    tenantRestrictions: {
      devices: null,
      usersAndGroups: allowedAll('AllUsers', 'user', 'blocked'),
      applications: allowedAll('AllApplications', 'application', 'blocked'),
    },
  }
}

/** Normalises nested objects so GET shows every member (missing members are null). */
export function normalisePartnerValue(key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  const o = v as Json
  if (key === 'inboundTrust') {
    return {
      isMfaAccepted: o.isMfaAccepted ?? null,
      isCompliantDeviceAccepted: o.isCompliantDeviceAccepted ?? null,
      isHybridAzureADJoinedDeviceAccepted: o.isHybridAzureADJoinedDeviceAccepted ?? null,
    }
  }
  if (
    key === 'automaticUserConsentSettings' ||
    key === 'crossCloudMeetingConfiguration' ||
    key === 'protectedContentSharing'
  ) {
    return { inboundAllowed: o.inboundAllowed ?? null, outboundAllowed: o.outboundAllowed ?? null }
  }
  if (key.startsWith('b2b')) {
    return { usersAndGroups: o.usersAndGroups ?? null, applications: o.applications ?? null }
  }
  if (key === 'tenantRestrictions') {
    return {
      devices: o.devices ?? null,
      usersAndGroups: o.usersAndGroups ?? null,
      applications: o.applications ?? null,
    }
  }
  return structuredClone(v)
}

export type NestedPatchMode = 'replace' | 'merge'

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Deep merge: objects merge member by member, arrays and scalars (and null) replace. */
function deepMerge(stored: unknown, patch: unknown): unknown {
  if (!isJson(stored) || !isJson(patch)) return structuredClone(patch)
  const out: Json = structuredClone(stored)
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v)
  return out
}

/**
 * PATCH: top-level properties merge (absent ones keep their value, as documented). What a provided nested
 * object does is not documented: `replace` (default, switch `partnerPatchNested`) stores it wholesale (members
 * not sent become null); `merge` deep-merges it into the stored object.
 */
export function applyPartnerPatch(current: Json, patch: Json, nested: NestedPatchMode = 'replace'): Json {
  const next: Json = { ...current }
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'tenantId') continue
    if (k === 'automaticUserConsentSettings' && v === null) {
      next[k] = { inboundAllowed: null, outboundAllowed: null }
      continue
    }
    next[k] = normalisePartnerValue(k, nested === 'merge' ? deepMerge(current[k], v) : v)
  }
  return next
}

/** Default policy PATCH: same rules; the result is no longer the service default. */
export function applyDefaultPatch(current: Json, patch: Json, nested: NestedPatchMode = 'replace'): Json {
  return { ...applyPartnerPatch(current, patch, nested), isServiceDefault: false }
}
