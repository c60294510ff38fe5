// Effective trust, table-driven: authentication strengths, session controls, blocks, invitation settings,
// the default cross-tenant policy and missing permissions; how the verdict names its policies. Policies are
// written in the JSON shape Microsoft Graph v1.0 returns (docs/effective-trust.md lists the Microsoft Learn
// pages).
import { describe, expect, it } from 'vitest'
import { BUILT_IN_MFA_STRENGTH_ID, evaluateEffectiveTrust, parseTrustVerdict } from '../src/index.ts'
import { withValue } from './fixtures.ts'
import {
  authorizationPolicy,
  b2bGuests,
  blockedInbound,
  caPolicy,
  defaultCrossTenant,
  expectRow,
  input,
  PHISHING_RESISTANT,
  type Row,
} from './effective-trust-support.ts'

const rows: Row[] = [
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
    expectRow(row)
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
