// Demo tenants that show each effective-trust verdict (docs/effective-trust.md in the product): customers
// that already consented and have the partner entry, with Conditional Access, licences and the
// authorization policy set the way their administrators did. The product's demo script adds them to the
// demo world and records them as onboarded customers, so the first checks show every verdict.
import type { ConditionalAccessPolicyInput } from './graph-seed-schema.ts'
import type { TenantSeed } from './seed-schema.ts'

export const TRUST_DEMO_TENANTS = [
  {
    key: 'guestMfa',
    id: '3a6e1f20-7c4d-4b8e-9f10-2d3c4b5a6e71',
    name: 'Adatum Security (guest CA requires MFA)',
    domain: 'adatum-security.example',
    expected: 'effective',
  },
  {
    key: 'compliantDevice',
    id: '4b7f2031-8d5e-4c9f-8a21-3e4d5c6b7f82',
    name: 'Coho Winery (guests need a compliant device; device trust turned off)',
    domain: 'coho-winery.example',
    expected: 'blocked',
  },
  {
    key: 'reportOnly',
    id: '5c803142-9e6f-4da0-9b32-4f5e6d7c8093',
    name: 'Litware Inc (guest MFA policy in report-only)',
    domain: 'litware.example',
    expected: 'no_effect',
  },
  {
    key: 'noP1',
    id: '6d914253-af70-4eb1-8c43-506f7e8d91a4',
    name: 'Wingtip Toys (no Entra ID P1)',
    domain: 'wingtip-toys.example',
    expected: 'no_effect',
  },
  {
    key: 'invitesRestricted',
    id: '7ea25364-b081-4fc2-9d54-617a8f9ea2b5',
    name: 'Tailspin Toys (nobody may invite guests)',
    domain: 'tailspin-toys.example',
    expected: 'partly',
  },
  {
    key: 'noGuestPolicy',
    id: '8fb36475-c192-40d3-8e65-728b9fabb3c6',
    name: 'Proseware (no Conditional Access policy for guests)',
    domain: 'proseware.example',
    expected: 'no_effect',
  },
  {
    key: 'reconsent',
    id: '90c47586-d2a3-41e4-9f76-839cafbcc4d7',
    name: 'Lucerne Publishing (consented before Policy.Read.All)',
    domain: 'lucerne-publishing.example',
    expected: 'unknown',
  },
] as const

export type TrustDemoKey = (typeof TRUST_DEMO_TENANTS)[number]['key']

/** The partner entry as the product applies it (compliant with policy version 1). */
function appliedPartner(partnerTenantId: string, compliantDeviceTrusted = true): Record<string, unknown> {
  return {
    tenantId: partnerTenantId,
    inboundTrust: {
      isMfaAccepted: true,
      isCompliantDeviceAccepted: compliantDeviceTrusted,
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
  }
}

const guestPolicy = (
  displayName: string,
  state: ConditionalAccessPolicyInput['state'],
  builtInControls: NonNullable<ConditionalAccessPolicyInput['grantControls']>['builtInControls'],
): ConditionalAccessPolicyInput => ({
  displayName,
  state,
  conditions: {
    users: {
      includeGuestsOrExternalUsers: {
        guestOrExternalUserTypes: 'b2bCollaborationGuest,b2bCollaborationMember',
        externalTenants: { membershipKind: 'all' },
      },
    },
    applications: { includeApplications: ['All'] },
  },
  grantControls: { operator: 'OR', builtInControls },
})

const membersMfa: ConditionalAccessPolicyInput = {
  displayName: 'Members: require MFA',
  state: 'enabled',
  conditions: {
    users: { includeGroups: ['0c5e2f3a-1b4d-4e6f-8a9b-0c1d2e3f4a5b'] },
    applications: { includeApplications: ['All'] },
  },
  grantControls: { operator: 'OR', builtInControls: ['mfa'] },
}

/** The trust demo tenants, consented to `appClientId` (roles: `graphRoles`, except the re-consent one). */
export function buildTrustDemoTenants(o: {
  partnerTenantId: string
  appClientId: string
  graphRoles: string[]
}): TenantSeed[] {
  const oldRoles = o.graphRoles.filter((r) => r !== 'Policy.Read.All')
  return TRUST_DEMO_TENANTS.map((t) => {
    const seed: TenantSeed = {
      id: t.id,
      displayName: t.name,
      domains: [t.domain],
      licence: t.key === 'noP1' ? 'none' : 'P2',
      consents: [{ clientId: o.appClientId, roles: t.key === 'reconsent' ? oldRoles : o.graphRoles }],
      partners: [appliedPartner(o.partnerTenantId, t.key !== 'compliantDevice')],
    }
    switch (t.key) {
      case 'guestMfa':
      case 'reconsent':
      case 'noP1':
        seed.conditionalAccessPolicies = [guestPolicy('Guests: require MFA', 'enabled', ['mfa'])]
        break
      case 'compliantDevice':
        seed.conditionalAccessPolicies = [
          guestPolicy('Guests: require a compliant device', 'enabled', ['compliantDevice']),
        ]
        break
      case 'reportOnly':
        seed.conditionalAccessPolicies = [
          guestPolicy('Guests: require MFA (testing)', 'enabledForReportingButNotEnforced', ['mfa']),
        ]
        break
      case 'invitesRestricted':
        seed.conditionalAccessPolicies = [guestPolicy('Guests: require MFA', 'enabled', ['mfa'])]
        seed.authorizationPolicy = { allowInvitesFrom: 'none' }
        break
      case 'noGuestPolicy':
        seed.conditionalAccessPolicies = [membersMfa]
        break
    }
    return seed
  })
}
