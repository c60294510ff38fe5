import type { PolicyDefinition } from './types.ts'

// Version 1 = the settings of the manual setup guide. Labels use the portal's wording.
// Outbound, direct connect and tenant restrictions are report-only: a customer admin may set them for their
// own reasons, so we report a difference but never overwrite it.
export const defaultPolicy: PolicyDefinition = {
  version: 1,
  description:
    'Setup guide: inbound B2B collaboration for all partner users, trust MFA and compliant devices',
  fields: [
    {
      path: 'b2bCollaborationInbound.usersAndGroups',
      label:
        'Inbound access → B2B collaboration → External users and groups: Allow access, all partner users and groups',
      comparator: 'access_setting',
      desired: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      remediation: 'repairable',
    },
    {
      path: 'b2bCollaborationInbound.applications',
      label:
        'Inbound access → B2B collaboration → Applications: Allow access, all applications (matches users and groups)',
      comparator: 'access_setting',
      desired: { accessType: 'allowed', targets: [{ target: 'AllApplications', targetType: 'application' }] },
      remediation: 'repairable',
    },
    {
      path: 'inboundTrust.isMfaAccepted',
      label: 'Trust settings → Trust multifactor authentication from Microsoft Entra tenants',
      comparator: 'exact_boolean',
      desired: true,
      remediation: 'repairable',
    },
    {
      path: 'inboundTrust.isCompliantDeviceAccepted',
      label: 'Trust settings → Trust compliant devices',
      comparator: 'exact_boolean',
      desired: true,
      remediation: 'repairable',
    },
    {
      path: 'inboundTrust.isHybridAzureADJoinedDeviceAccepted',
      label: 'Trust settings → Trust Microsoft Entra hybrid joined devices (unchecked)',
      comparator: 'exact_boolean',
      desired: false,
      remediation: 'repairable',
    },
    {
      path: 'automaticUserConsentSettings.inboundAllowed',
      label: 'Trust settings → Automatically redeem invitations with the partner tenant (unchecked)',
      comparator: 'false_or_null',
      desired: false,
      remediation: 'repairable',
    },
    {
      path: 'b2bCollaborationOutbound',
      label: 'Outbound access → B2B collaboration: Inherited from default',
      comparator: 'inherited',
      desired: null,
      remediation: 'report_only',
    },
    {
      path: 'b2bDirectConnectOutbound',
      label: 'Outbound access → B2B direct connect: Inherited from default',
      comparator: 'inherited',
      desired: null,
      remediation: 'report_only',
    },
    {
      path: 'b2bDirectConnectInbound',
      label: 'Inbound access → B2B direct connect: Inherited from default',
      comparator: 'inherited',
      desired: null,
      remediation: 'report_only',
    },
    {
      path: 'tenantRestrictions',
      label: 'Tenant restrictions: Inherited from default',
      comparator: 'inherited',
      desired: null,
      remediation: 'report_only',
    },
  ],
}
