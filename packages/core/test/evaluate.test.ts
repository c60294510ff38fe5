import { describe, expect, it } from 'vitest'
import { defaultPolicy, driftedFields, evaluatePartner, hasRepairableDrift } from '../src/index.ts'
import { compliantPartner, withValue } from './fixtures.ts'

const now = new Date('2026-11-27T00:00:00Z')
const evaluate = (observed: unknown) => evaluatePartner(defaultPolicy, observed, [], now)
const driftPaths = (observed: unknown) => driftedFields(evaluate(observed)).map((f) => f.path)

describe('evaluatePartner', () => {
  it('finds the applied policy compliant and ignores properties it does not own', () => {
    const result = evaluate(compliantPartner())
    expect(result.status).toBe('compliant')
    expect(result.policyVersion).toBe(1)
    expect(result.fields).toHaveLength(defaultPolicy.fields.length)
    expect(result.fields.every((f) => f.ok && !f.drift && f.accepted === null)).toBe(true)
  })

  it('ignores @odata.context, m365 settings and unknown extras even when set', () => {
    const partner = compliantPartner()
    partner['@odata.context'] = 'something else'
    partner.m365CollaborationInbound = {
      users: { accessType: 'blocked', targets: [{ target: 'AllUsers', targetType: 'user' }] },
    }
    partner.someFutureProperty = { anything: true }
    partner.isServiceProvider = true
    expect(evaluate(partner).status).toBe('compliant')
  })

  it('treats inboundAllowed null, absent or false as compliant, true as drift', () => {
    expect(evaluate(withValue('automaticUserConsentSettings.inboundAllowed', null)).status).toBe('compliant')
    expect(evaluate(withValue('automaticUserConsentSettings', null)).status).toBe('compliant')
    const absent = compliantPartner()
    delete absent.automaticUserConsentSettings
    expect(evaluate(absent).status).toBe('compliant')
    expect(driftPaths(withValue('automaticUserConsentSettings.inboundAllowed', true))).toEqual([
      'automaticUserConsentSettings.inboundAllowed',
    ])
  })

  it('treats absent inherited settings as null (compliant)', () => {
    const partner = compliantPartner()
    delete partner.tenantRestrictions
    delete partner.b2bDirectConnectInbound
    expect(evaluate(partner).status).toBe('compliant')
  })

  it('detects a changed trust flag', () => {
    const result = evaluate(withValue('inboundTrust.isCompliantDeviceAccepted', false))
    expect(result.status).toBe('drifted')
    const [field] = driftedFields(result)
    expect(field).toMatchObject({
      path: 'inboundTrust.isCompliantDeviceAccepted',
      desired: true,
      observed: false,
      ok: false,
      remediation: 'repairable',
      accepted: null,
    })
    expect(hasRepairableDrift(result)).toBe(true)
  })

  it('treats inboundTrust null (inherited) as drift of all three members', () => {
    expect(driftPaths(withValue('inboundTrust', null))).toEqual([
      'inboundTrust.isMfaAccepted',
      'inboundTrust.isCompliantDeviceAccepted',
      'inboundTrust.isHybridAzureADJoinedDeviceAccepted',
    ])
  })

  it('detects hybrid joined devices trusted when the policy says unchecked', () => {
    expect(driftPaths(withValue('inboundTrust.isHybridAzureADJoinedDeviceAccepted', true))).toEqual([
      'inboundTrust.isHybridAzureADJoinedDeviceAccepted',
    ])
  })

  it('detects blocked inbound access', () => {
    const blocked = withValue('b2bCollaborationInbound', {
      usersAndGroups: { accessType: 'blocked', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      applications: {
        accessType: 'blocked',
        targets: [{ target: 'AllApplications', targetType: 'application' }],
      },
    })
    expect(driftPaths(blocked)).toEqual([
      'b2bCollaborationInbound.usersAndGroups',
      'b2bCollaborationInbound.applications',
    ])
  })

  it('detects inbound access narrowed to a group, or a missing half, or inherited', () => {
    const group = withValue('b2bCollaborationInbound.usersAndGroups', {
      accessType: 'allowed',
      targets: [{ target: '6f546279-4da5-4b53-a095-09ea0cef9971', targetType: 'group' }],
    })
    expect(driftPaths(group)).toEqual(['b2bCollaborationInbound.usersAndGroups'])
    const half = compliantPartner()
    delete (half.b2bCollaborationInbound as Record<string, unknown>).applications
    expect(driftPaths(half)).toEqual(['b2bCollaborationInbound.applications'])
    expect(driftPaths(withValue('b2bCollaborationInbound', null))).toHaveLength(2)
  })

  it('compares targets order-insensitively, case-insensitively and as a set', () => {
    const desired = { target: 'AllUsers', targetType: 'user' }
    const variants = [
      { accessType: 'ALLOWED', targets: [{ target: 'allusers', targetType: 'USER' }] },
      { accessType: 'allowed', targets: [desired, { target: 'ALLUSERS', targetType: 'user' }] },
    ]
    for (const value of variants) {
      expect(evaluate(withValue('b2bCollaborationInbound.usersAndGroups', value)).status).toBe('compliant')
    }
    const extra = { accessType: 'allowed', targets: [{ target: 'g1', targetType: 'group' }, desired] }
    expect(driftPaths(withValue('b2bCollaborationInbound.usersAndGroups', extra))).toHaveLength(1)
  })

  it('compares multi-target lists regardless of order', () => {
    const policy = structuredClone(defaultPolicy)
    const apps = policy.fields.find((f) => f.path === 'b2bCollaborationInbound.applications')
    if (apps?.comparator !== 'access_setting') throw new Error('fixture')
    apps.desired = {
      accessType: 'allowed',
      targets: [
        { target: 'Office365', targetType: 'application' },
        { target: 'D52792F4-BA38-424D-8140-ADA5B883F293', targetType: 'application' },
      ],
    }
    const observed = withValue('b2bCollaborationInbound.applications', {
      accessType: 'allowed',
      targets: [
        { target: 'd52792f4-ba38-424d-8140-ada5b883f293', targetType: 'application' },
        { target: 'office365', targetType: 'application' },
      ],
    })
    expect(evaluatePartner(policy, observed, [], now).status).toBe('compliant')
  })

  it('treats a malformed access setting as drift rather than throwing', () => {
    for (const value of [
      'allowed',
      { accessType: 'allowed' },
      { accessType: 'allowed', targets: [{ target: 1 }] },
    ]) {
      expect(driftPaths(withValue('b2bCollaborationInbound.usersAndGroups', value))).toEqual([
        'b2bCollaborationInbound.usersAndGroups',
      ])
    }
  })

  it('reports added outbound settings and tenant restrictions as report-only drift', () => {
    const setting = {
      usersAndGroups: { accessType: 'blocked', targets: [{ target: 'AllUsers', targetType: 'user' }] },
    }
    for (const path of [
      'b2bCollaborationOutbound',
      'b2bDirectConnectOutbound',
      'b2bDirectConnectInbound',
      'tenantRestrictions',
    ]) {
      const result = evaluate(withValue(path, setting))
      expect(result.status).toBe('drifted')
      expect(driftedFields(result)).toEqual([
        expect.objectContaining({ path, remediation: 'report_only', observed: setting }),
      ])
      expect(hasRepairableDrift(result)).toBe(false)
    }
  })

  it('treats a missing entry (404) as drift of every field', () => {
    const result = evaluate(null)
    expect(result.status).toBe('missing')
    expect(result.fields.every((f) => !f.ok && f.drift && f.observed === null)).toBe(true)
    expect(hasRepairableDrift(result)).toBe(true)
  })

  it('does not mutate the observed object', () => {
    const partner = compliantPartner()
    const copy = structuredClone(partner)
    evaluate(partner)
    expect(partner).toEqual(copy)
  })
})
