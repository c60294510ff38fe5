// Effective trust, table-driven: which Conditional Access policies reach the partner's operators (state,
// licence, guest types, tenants, exclusions) and the grant controls they ask for against the trust settings.
import { describe, it } from 'vitest'
import { PARTNER_TENANT_ID, withValue } from './fixtures.ts'
import {
  b2bGuests,
  caPolicy,
  defaultCrossTenant,
  expectRow,
  input,
  OTHER_TENANT,
  type Row,
} from './effective-trust-support.ts'

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
]

describe('evaluateEffectiveTrust', () => {
  it.each(rows)('$name', (row) => {
    expectRow(row)
  })
})
