// Effective trust, table-driven. Conditional Access policies, the authorization policy and cross-tenant
// policies are written in the JSON shape Microsoft Graph v1.0 returns (docs/effective-trust.md lists the
// Microsoft Learn pages).
import { describe, expect, it } from 'vitest'
import {
  BUILT_IN_MFA_STRENGTH_ID,
  evaluateEffectiveTrust,
  parseTrustVerdict,
  type EffectiveTrustInput,
  type TrustFindingCode,
  type TrustVerdict,
} from '../src/index.ts'
import { compliantPartner, PARTNER_TENANT_ID, withValue } from './fixtures.ts'

const OTHER_TENANT = '5f1c6a1b-3f0e-4a6e-9d55-0c3c1e7b2a11'
const PHISHING_RESISTANT = '00000000-0000-0000-0000-000000000004'

type Json = Record<string, unknown>

/** A conditionalAccessPolicy as GET /identity/conditionalAccess/policies returns it. */
function caPolicy(over: {
  id?: string
  displayName?: string
  state?: string
  users?: Json
  applications?: Json
  grantControls?: Json | null
  sessionControls?: Json | null
}): Json {
  return {
    id: over.id ?? 'f1a2b3c4-0000-4000-8000-000000000001',
    templateId: null,
    displayName: over.displayName ?? 'Guests: require MFA',
    createdDateTime: '2026-10-01T08:00:00Z',
    modifiedDateTime: null,
    state: over.state ?? 'enabled',
    sessionControls: over.sessionControls ?? null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ['all'],
      platforms: null,
      locations: null,
      devices: null,
      applications: {
        includeApplications: ['All'],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        ...over.applications,
      },
      users: {
        includeUsers: [],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
        ...over.users,
      },
    },
    grantControls:
      over.grantControls === null
        ? null
        : {
            operator: 'OR',
            builtInControls: ['mfa'],
            customAuthenticationFactors: [],
            termsOfUse: [],
            authenticationStrength: null,
            ...over.grantControls,
          },
  }
}

const b2bGuests = (types = 'b2bCollaborationGuest', tenants: Json = { membershipKind: 'all' }): Json => ({
  includeGuestsOrExternalUsers: {
    guestOrExternalUserTypes: types,
    externalTenants:
      tenants.membershipKind === 'enumerated'
        ? { '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', ...tenants }
        : { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' },
  },
})

const authorizationPolicy = (allowInvitesFrom = 'everyone'): Json => ({
  id: 'authorizationPolicy',
  allowInvitesFrom,
  guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
})

const defaultCrossTenant = (over: Json = {}): Json => ({
  id: '0cbce9c4-2f48-4c0e-8bd5-0bd1b8f0d4f2',
  isServiceDefault: true,
  inboundTrust: {
    isMfaAccepted: false,
    isCompliantDeviceAccepted: false,
    isHybridAzureADJoinedDeviceAccepted: false,
  },
  b2bCollaborationInbound: {
    usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
    applications: {
      accessType: 'allowed',
      targets: [{ target: 'AllApplications', targetType: 'application' }],
    },
  },
  ...over,
})

const blockedInbound = {
  usersAndGroups: { accessType: 'blocked', targets: [{ target: 'AllUsers', targetType: 'user' }] },
  applications: {
    accessType: 'blocked',
    targets: [{ target: 'AllApplications', targetType: 'application' }],
  },
}

function input(over: Partial<EffectiveTrustInput> = {}): EffectiveTrustInput {
  return {
    partnerTenantId: PARTNER_TENANT_ID,
    partner: compliantPartner(),
    defaultPolicy: defaultCrossTenant(),
    licence: 'p2',
    conditionalAccessPolicies: [caPolicy({ users: b2bGuests() })],
    authorizationPolicy: authorizationPolicy(),
    ...over,
  }
}

interface Row {
  name: string
  input: EffectiveTrustInput
  verdict: TrustVerdict
  mfa?: string
  device?: string
  findings?: TrustFindingCode[]
}

const rows: Row[] = [
  {
    name: 'guest policy requiring MFA, MFA trusted: effective',
    input: input(),
    verdict: 'effective',
    mfa: 'satisfied',
    device: 'not_required',
  },
  {
    name: 'includeUsers All requiring MFA and compliant device (AND), both trusted: effective',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({
          users: { includeUsers: ['All'] },
          grantControls: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] },
        }),
      ],
    }),
    verdict: 'effective',
    mfa: 'satisfied',
    device: 'satisfied',
  },
  {
    name: 'guest policy requiring a compliant device, device trust on: effective',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({ users: b2bGuests(), grantControls: { builtInControls: ['compliantDevice'] } }),
      ],
    }),
    verdict: 'effective',
    mfa: 'not_required',
    device: 'satisfied',
  },
  {
    name: 'compliant device required but device trust off: blocked',
    input: input({
      partner: withValue('inboundTrust.isCompliantDeviceAccepted', false),
      conditionalAccessPolicies: [
        caPolicy({ users: b2bGuests(), grantControls: { builtInControls: ['compliantDevice'] } }),
      ],
    }),
    verdict: 'blocked',
    device: 'blocked',
    findings: ['device_trust_off'],
  },
  {
    name: 'MFA required, MFA trust off: no effect (operators prompted)',
    input: input({ partner: withValue('inboundTrust.isMfaAccepted', false) }),
    verdict: 'no_effect',
    mfa: 'prompted',
    findings: ['trust_off'],
  },
  {
    name: 'partner inherits trust (null) from a default that trusts MFA: effective',
    input: input({
      partner: withValue('inboundTrust', null),
      defaultPolicy: defaultCrossTenant({
        inboundTrust: {
          isMfaAccepted: true,
          isCompliantDeviceAccepted: false,
          isHybridAzureADJoinedDeviceAccepted: false,
        },
      }),
    }),
    verdict: 'effective',
    mfa: 'satisfied',
  },
  {
    name: 'MFA and device both asked, only MFA trusted: blocked by the device requirement',
    input: input({
      partner: withValue('inboundTrust.isCompliantDeviceAccepted', false),
      conditionalAccessPolicies: [
        caPolicy({ id: 'a', users: b2bGuests() }),
        caPolicy({
          id: 'b',
          displayName: 'Guests: compliant device',
          users: b2bGuests(),
          grantControls: { builtInControls: ['compliantDevice'] },
        }),
      ],
    }),
    verdict: 'blocked',
    mfa: 'satisfied',
    device: 'blocked',
  },
  {
    name: 'OR of MFA and compliant device: trusted MFA alone satisfies it',
    input: input({
      partner: withValue('inboundTrust.isCompliantDeviceAccepted', false),
      conditionalAccessPolicies: [
        caPolicy({
          users: b2bGuests(),
          grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] },
        }),
      ],
    }),
    verdict: 'effective',
    mfa: 'satisfied',
    device: 'satisfied',
  },
  {
    name: 'report-only policy is not enforced: no effect, told as a finding',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({ state: 'enabledForReportingButNotEnforced', users: b2bGuests() }),
      ],
    }),
    verdict: 'no_effect',
    mfa: 'not_required',
    findings: ['report_only_policy', 'no_guest_policy'],
  },
  {
    name: 'disabled policy is ignored: no effect',
    input: input({ conditionalAccessPolicies: [caPolicy({ state: 'disabled', users: b2bGuests() })] }),
    verdict: 'no_effect',
    findings: ['no_guest_policy'],
  },
  {
    name: 'no Conditional Access policy at all: no effect',
    input: input({ conditionalAccessPolicies: [] }),
    verdict: 'no_effect',
    findings: ['no_guest_policy'],
  },
  {
    name: 'policy for members only (specific group): no effect for guests',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({ users: { includeGroups: ['8c7a7f0e-1d2b-4e1c-9f3e-2b1d1f0a9c77'] } }),
      ],
    }),
    verdict: 'no_effect',
  },
  {
    name: 'no Entra ID P1: no effect whatever the policies say',
    input: input({ licence: 'none' }),
    verdict: 'no_effect',
    findings: ['no_p1'],
  },
  {
    name: 'guest types without B2B collaboration guests do not reach the operators',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({ users: b2bGuests('internalGuest,b2bDirectConnectUser,otherExternalUser') }),
      ],
    }),
    verdict: 'no_effect',
    findings: ['guest_types_exclude_b2b', 'no_guest_policy'],
  },
  {
    name: 'guest policy enumerating the partner tenant applies',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({
          users: b2bGuests('b2bCollaborationGuest,b2bCollaborationMember', {
            membershipKind: 'enumerated',
            members: [PARTNER_TENANT_ID.toUpperCase()],
          }),
        }),
      ],
    }),
    verdict: 'effective',
    mfa: 'satisfied',
  },
  {
    name: 'guest policy enumerating other tenants only does not apply',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({
          users: b2bGuests('b2bCollaborationGuest', {
            membershipKind: 'enumerated',
            members: [OTHER_TENANT],
          }),
        }),
      ],
    }),
    verdict: 'no_effect',
  },
  {
    name: 'All users but the partner tenant excluded through excludeGuestsOrExternalUsers',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({
          users: {
            includeUsers: ['All'],
            excludeGuestsOrExternalUsers: {
              guestOrExternalUserTypes: 'b2bCollaborationGuest',
              externalTenants: {
                '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants',
                membershipKind: 'enumerated',
                members: [PARTNER_TENANT_ID],
              },
            },
          },
        }),
      ],
    }),
    verdict: 'no_effect',
    findings: ['partner_excluded', 'no_guest_policy'],
  },
  {
    name: 'All users excluding GuestsOrExternalUsers (legacy keyword)',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({ users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers'] } }),
      ],
    }),
    verdict: 'no_effect',
    findings: ['partner_excluded', 'no_guest_policy'],
  },
  {
    name: 'built-in Multifactor authentication strength is satisfied by trusted MFA',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({
          users: b2bGuests(),
          grantControls: {
            builtInControls: [],
            authenticationStrength: {
              id: BUILT_IN_MFA_STRENGTH_ID,
              displayName: 'Multifactor authentication',
            },
          },
        }),
      ],
    }),
    verdict: 'effective',
    mfa: 'satisfied',
  },
  {
    name: 'phishing-resistant strength: trusted MFA counts only for its methods (partly)',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({
          users: b2bGuests(),
          grantControls: {
            builtInControls: [],
            authenticationStrength: { id: PHISHING_RESISTANT, displayName: 'Phishing-resistant MFA' },
          },
        }),
      ],
    }),
    verdict: 'partly',
    mfa: 'conditional',
    findings: ['authentication_strength'],
  },
  {
    name: 'authentication strength with MFA trust off: prompted',
    input: input({
      partner: withValue('inboundTrust.isMfaAccepted', false),
      conditionalAccessPolicies: [
        caPolicy({
          users: b2bGuests(),
          grantControls: {
            builtInControls: [],
            authenticationStrength: { id: PHISHING_RESISTANT, displayName: 'Phishing-resistant MFA' },
          },
        }),
      ],
    }),
    verdict: 'no_effect',
    mfa: 'prompted',
  },
  {
    name: 'sign-in frequency session control makes operators sign in again: partly',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({
          users: b2bGuests(),
          sessionControls: {
            signInFrequency: {
              value: 1,
              type: 'hours',
              authenticationType: 'primaryAndSecondaryAuthentication',
              frequencyInterval: 'timeBased',
              isEnabled: true,
            },
          },
        }),
      ],
    }),
    verdict: 'partly',
    mfa: 'prompted',
    findings: ['sign_in_frequency'],
  },
  {
    name: 'a policy that blocks guests: blocked',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({ users: b2bGuests(), grantControls: { builtInControls: ['block'] } }),
      ],
    }),
    verdict: 'blocked',
    findings: ['policy_blocks_guests'],
  },
  {
    name: 'hybrid joined device required (not trusted by the policy): blocked',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({ users: b2bGuests(), grantControls: { builtInControls: ['domainJoinedDevice'] } }),
      ],
    }),
    verdict: 'blocked',
    device: 'blocked',
    findings: ['hybrid_join_required'],
  },
  {
    name: 'selected applications only still asks the operators there',
    input: input({
      conditionalAccessPolicies: [
        caPolicy({ users: b2bGuests(), applications: { includeApplications: ['Office365'] } }),
      ],
    }),
    verdict: 'effective',
    findings: ['selected_apps'],
  },
  {
    name: 'invitations disabled (allowInvitesFrom none): partly, even with trust working',
    input: input({ authorizationPolicy: authorizationPolicy('none') }),
    verdict: 'partly',
    mfa: 'satisfied',
    findings: ['invitations_disabled'],
  },
  {
    name: 'invitations by admins and guest inviters only: still effective',
    input: input({ authorizationPolicy: authorizationPolicy('adminsAndGuestInviters') }),
    verdict: 'effective',
    findings: ['invitations_admins_only'],
  },
  {
    name: 'default blocks inbound B2B and the partner entry overrides it: fine',
    input: input({ defaultPolicy: defaultCrossTenant({ b2bCollaborationInbound: blockedInbound }) }),
    verdict: 'effective',
    findings: ['default_blocks_overridden'],
  },
  {
    name: 'default blocks inbound B2B and the partner entry inherits it: blocked',
    input: input({
      partner: withValue('b2bCollaborationInbound', null),
      defaultPolicy: defaultCrossTenant({ b2bCollaborationInbound: blockedInbound }),
    }),
    verdict: 'blocked',
    findings: ['b2b_inbound_blocked'],
  },
  {
    name: 'token without Policy.Read.All: unknown, re-consent needed',
    input: input({
      conditionalAccessPolicies: null,
      missingPermissions: [
        { permission: 'Policy.Read.All', why: 'to read your Conditional Access policies.' },
      ],
    }),
    verdict: 'unknown',
    findings: ['reconsent_needed'],
  },
  {
    name: 'unreadable Conditional Access policies: unknown',
    input: input({ conditionalAccessPolicies: null }),
    verdict: 'unknown',
  },
]

describe('evaluateEffectiveTrust', () => {
  it.each(rows)('$name', (row) => {
    const result = evaluateEffectiveTrust(row.input)
    expect(result.verdict).toBe(row.verdict)
    expect(result.reason.length).toBeGreaterThan(10)
    if (row.verdict !== 'effective') expect(result.fix).not.toBeNull()
    const outcome = (r: string) => result.requirements.find((x) => x.requirement === r)?.outcome
    if (row.mfa) expect(outcome('mfa')).toBe(row.mfa)
    if (row.device) expect(outcome('compliant_device')).toBe(row.device)
    for (const code of row.findings ?? []) expect(result.findings.map((f) => f.code)).toContain(code)
    for (const f of result.findings) expect(f.reason.length).toBeGreaterThan(10)
  })

  it('names the policies behind a requirement and the missing permission in the reason', () => {
    const r = evaluateEffectiveTrust(input({ partner: withValue('inboundTrust.isMfaAccepted', false) }))
    expect(r.requirements[0]?.policies.map((p) => p.displayName)).toEqual(['Guests: require MFA'])
    expect(r.reason).toContain('"Guests: require MFA"')
    const u = evaluateEffectiveTrust(
      input({
        conditionalAccessPolicies: null,
        missingPermissions: [{ permission: 'Policy.Read.All', why: 'to read policies.' }],
      }),
    )
    expect(u.reason).toBe('Re-consent needed: Policy.Read.All — to read policies.')
    expect(u.findings[0]?.permission).toBe('Policy.Read.All')
  })

  it('parses verdict labels', () => {
    expect(parseTrustVerdict('no effect')).toBe('no_effect')
    expect(parseTrustVerdict('No_Effect')).toBe('no_effect')
    expect(parseTrustVerdict('effective')).toBe('effective')
    expect(parseTrustVerdict('great')).toBeNull()
  })
})
