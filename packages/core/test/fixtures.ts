// Partner entries as Graph v1.0 returns them (reference section 1b), in the state the policy wants.
export const PARTNER_TENANT_ID = '07d2f395-f69c-43ab-88a2-b82f1151042d'

export function compliantPartner(): Record<string, unknown> {
  return {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners/$entity',
    tenantId: PARTNER_TENANT_ID,
    isServiceProvider: null,
    isInMultiTenantOrganization: false,
    inboundTrust: {
      isMfaAccepted: true,
      isCompliantDeviceAccepted: true,
      isHybridAzureADJoinedDeviceAccepted: false,
    },
    automaticUserConsentSettings: { inboundAllowed: false, outboundAllowed: null },
    b2bCollaborationInbound: {
      usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      applications: {
        accessType: 'allowed',
        targets: [{ target: 'AllApplications', targetType: 'application' }],
      },
    },
    b2bCollaborationOutbound: null,
    b2bDirectConnectOutbound: null,
    b2bDirectConnectInbound: null,
    tenantRestrictions: null,
    m365CollaborationInbound: null,
    m365CollaborationOutbound: null,
    appServiceConnectInbound: null,
    crossCloudMeetingConfiguration: { inboundAllowed: true },
    protectedContentSharing: { inboundAllowed: false },
  }
}

/** Deep-set helper for building drifted variants. */
export function withValue(path: string, value: unknown, base = compliantPartner()): Record<string, unknown> {
  const segments = path.split('.')
  let current: Record<string, unknown> = base
  for (const segment of segments.slice(0, -1)) {
    current = current[segment] as Record<string, unknown>
  }
  current[segments.at(-1) as string] = value
  return base
}
