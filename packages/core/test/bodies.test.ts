import { describe, expect, it } from 'vitest'
import type { PolicyDefinition } from '../src/index.ts'
import { buildCreateBody, buildPatchBody, defaultPolicy, evaluatePartner } from '../src/index.ts'
import { PARTNER_TENANT_ID, compliantPartner, withValue } from './fixtures.ts'

const now = new Date('2026-11-27T00:00:00Z')
const patchFor = (observed: unknown, policy: PolicyDefinition = defaultPolicy) =>
  buildPatchBody(policy, evaluatePartner(policy, observed, [], now))

// Reference section 3, "Recommended desired-state bodies", verbatim.
const referenceCreateBody = {
  tenantId: PARTNER_TENANT_ID,
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
  automaticUserConsentSettings: { inboundAllowed: false },
}

describe('buildCreateBody', () => {
  it('is exactly the reference POST body', () => {
    const body = buildCreateBody(defaultPolicy, PARTNER_TENANT_ID)
    expect(body).toStrictEqual(referenceCreateBody)
    expect(JSON.stringify(body)).not.toContain('isServiceProvider')
    for (const key of [
      'b2bCollaborationOutbound',
      'b2bDirectConnectOutbound',
      'b2bDirectConnectInbound',
      'tenantRestrictions',
    ]) {
      expect(Object.hasOwn(body, key)).toBe(false)
    }
  })

  it('returns fresh objects that callers cannot use to corrupt the policy', () => {
    const body = buildCreateBody(defaultPolicy, PARTNER_TENANT_ID) as {
      inboundTrust: { isMfaAccepted: boolean }
    }
    body.inboundTrust.isMfaAccepted = false
    expect(buildCreateBody(defaultPolicy, PARTNER_TENANT_ID)).toStrictEqual(referenceCreateBody)
  })
})

describe('buildPatchBody', () => {
  it('is null when compliant, or when only report-only fields differ', () => {
    expect(patchFor(compliantPartner())).toBeNull()
    expect(
      patchFor(withValue('tenantRestrictions', { usersAndGroups: { accessType: 'blocked', targets: [] } })),
    ).toBeNull()
  })

  it('sends all three inboundTrust members when one changed, and nothing else', () => {
    expect(patchFor(withValue('inboundTrust.isMfaAccepted', false))).toStrictEqual({
      inboundTrust: {
        isMfaAccepted: true,
        isCompliantDeviceAccepted: true,
        isHybridAzureADJoinedDeviceAccepted: false,
      },
    })
  })

  it('sends both halves of b2bCollaborationInbound when one half changed', () => {
    const body = patchFor(
      withValue('b2bCollaborationInbound.applications', {
        accessType: 'allowed',
        targets: [{ target: 'Office365', targetType: 'application' }],
      }),
    )
    expect(body).toStrictEqual({ b2bCollaborationInbound: referenceCreateBody.b2bCollaborationInbound })
  })

  it('sends automaticUserConsentSettings with inboundAllowed false only', () => {
    expect(patchFor(withValue('automaticUserConsentSettings.inboundAllowed', true))).toStrictEqual({
      automaticUserConsentSettings: { inboundAllowed: false },
    })
  })

  it('combines several drifted objects but never tenantId or report-only settings', () => {
    let partner = withValue('inboundTrust', null)
    partner = withValue('b2bCollaborationInbound', null, partner)
    partner = withValue(
      'b2bCollaborationOutbound',
      { usersAndGroups: { accessType: 'blocked', targets: [] } },
      partner,
    )
    const body = patchFor(partner)
    expect(body).toStrictEqual({
      b2bCollaborationInbound: referenceCreateBody.b2bCollaborationInbound,
      inboundTrust: referenceCreateBody.inboundTrust,
    })
  })

  it('for a missing entry equals the create body without tenantId', () => {
    const { tenantId: _tenantId, ...withoutKey } = referenceCreateBody
    expect(patchFor(null)).toStrictEqual(withoutKey)
  })

  it('resets a repairable inherited setting to null', () => {
    const policy = structuredClone(defaultPolicy)
    const outbound = policy.fields.find((f) => f.path === 'b2bCollaborationOutbound')
    if (outbound === undefined) throw new Error('fixture')
    outbound.remediation = 'repairable'
    const body = patchFor(
      withValue('b2bCollaborationOutbound', { usersAndGroups: { accessType: 'blocked', targets: [] } }),
      policy,
    )
    expect(body).toStrictEqual({ b2bCollaborationOutbound: null })
  })
})
