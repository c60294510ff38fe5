// Shared test data, importable without a database (`@crosstrust/testkit/fixtures`): partner entries in the
// state the default policy (version 1) wants, as Microsoft Graph v1.0 returns them
// (https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationpartner).

/** The partner tenant of the tests (the demo's partner). */
export const PARTNER_TENANT_ID = '07d2f395-f69c-43ab-88a2-b82f1151042d'

/**
 * The fields the default policy owns, each in its compliant state: B2B collaboration inbound allowed for all
 * users and all applications, MFA and compliant devices trusted, hybrid-joined devices not, no automatic
 * user consent inbound. Fresh objects on every call, so a test may change its copy.
 */
export function compliantPartnerFields() {
  return {
    b2bCollaborationInbound: {
      usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      applications: {
        accessType: 'allowed',
        targets: [{ target: 'AllApplications', targetType: 'application' }],
      },
    },
    inboundTrust: {
      isMfaAccepted: true,
      isCompliantDeviceAccepted: true,
      isHybridAzureADJoinedDeviceAccepted: false,
    },
    automaticUserConsentSettings: { inboundAllowed: false, outboundAllowed: null },
  }
}

/** Settings a fresh partner entry leaves "Inherited from default": Graph returns them as null. */
const INHERITED_FROM_DEFAULT = [
  'b2bCollaborationOutbound',
  'b2bDirectConnectOutbound',
  'b2bDirectConnectInbound',
  'tenantRestrictions',
  'm365CollaborationInbound',
  'm365CollaborationOutbound',
  'appServiceConnectInbound',
] as const

/** A whole partner entry as `GET …/crossTenantAccessPolicy/partners/{id}` returns it, compliant. */
export function compliantPartnerEntry(tenantId = PARTNER_TENANT_ID): Record<string, unknown> {
  return {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners/$entity',
    tenantId,
    isServiceProvider: null,
    isInMultiTenantOrganization: false,
    ...compliantPartnerFields(),
    ...Object.fromEntries(INHERITED_FROM_DEFAULT.map((field) => [field, null])),
    crossCloudMeetingConfiguration: { inboundAllowed: true },
    protectedContentSharing: { inboundAllowed: false },
  }
}
