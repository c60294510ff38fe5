import { describe, expect, it } from 'vitest'
import type { AcceptedDeviation } from '../src/index.ts'
import { buildPatchBody, defaultPolicy, evaluatePartner } from '../src/index.ts'
import { withValue } from './fixtures.ts'

const expiresAt = new Date('2026-12-01T00:00:00Z')
const before = new Date('2026-11-30T23:59:59Z')
const after = new Date('2026-12-01T00:00:00Z')
const noMfaTrust = () => withValue('inboundTrust.isMfaAccepted', false)

describe('accepted deviations', () => {
  const deviation: AcceptedDeviation = {
    id: 'dev-1',
    path: 'inboundTrust.isMfaAccepted',
    expiresAt,
    reason: 'pilot',
    owner: 'ops',
  }

  it('suppress drift before expiry and record which deviation applied', () => {
    const result = evaluatePartner(defaultPolicy, noMfaTrust(), [deviation], before)
    expect(result.status).toBe('compliant')
    const field = result.fields.find((f) => f.path === 'inboundTrust.isMfaAccepted')
    expect(field).toMatchObject({ ok: false, drift: false, accepted: { deviationId: 'dev-1', expiresAt } })
  })

  it('no longer suppress drift at and after expiry', () => {
    expect(evaluatePartner(defaultPolicy, noMfaTrust(), [deviation], after).status).toBe('drifted')
    expect(
      evaluatePartner(defaultPolicy, noMfaTrust(), [deviation], new Date('2027-01-01T00:00:00Z')).status,
    ).toBe('drifted')
  })

  it('only cover their own field', () => {
    const other = withValue('inboundTrust.isCompliantDeviceAccepted', false, noMfaTrust())
    const result = evaluatePartner(defaultPolicy, other, [deviation], before)
    expect(result.status).toBe('drifted')
    expect(result.fields.filter((f) => f.drift).map((f) => f.path)).toEqual([
      'inboundTrust.isCompliantDeviceAccepted',
    ])
  })

  it('with an accepted value only cover that exact observed value', () => {
    const valueBound: AcceptedDeviation = {
      id: 'dev-2',
      path: 'tenantRestrictions',
      expiresAt,
      acceptedValue: {
        usersAndGroups: { accessType: 'blocked', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      },
    }
    const same = withValue('tenantRestrictions', {
      usersAndGroups: { targets: [{ targetType: 'user', target: 'AllUsers' }], accessType: 'blocked' },
    })
    expect(evaluatePartner(defaultPolicy, same, [valueBound], before).status).toBe('compliant')
    const changed = withValue('tenantRestrictions', {
      usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
    })
    expect(evaluatePartner(defaultPolicy, changed, [valueBound], before).status).toBe('drifted')
  })

  it('compare accepted access settings order- and case-insensitively', () => {
    const bound: AcceptedDeviation = {
      id: 'dev-3',
      path: 'b2bCollaborationInbound.usersAndGroups',
      expiresAt,
      acceptedValue: {
        accessType: 'allowed',
        targets: [
          { target: 'G1', targetType: 'group' },
          { target: 'g2', targetType: 'group' },
        ],
      },
    }
    const observed = withValue('b2bCollaborationInbound.usersAndGroups', {
      accessType: 'allowed',
      targets: [
        { target: 'g2', targetType: 'group' },
        { target: 'g1', targetType: 'group' },
      ],
    })
    expect(evaluatePartner(defaultPolicy, observed, [bound], before).status).toBe('compliant')
  })

  it('can accept an explicit null (an inherited trust member)', () => {
    const bound: AcceptedDeviation = {
      id: 'dev-4',
      path: 'inboundTrust.isMfaAccepted',
      expiresAt,
      acceptedValue: null,
    }
    expect(
      evaluatePartner(defaultPolicy, withValue('inboundTrust.isMfaAccepted', null), [bound], before).status,
    ).toBe('compliant')
    expect(evaluatePartner(defaultPolicy, noMfaTrust(), [bound], before).status).toBe('drifted')
  })

  it('never cover a deleted partner entry', () => {
    const all = defaultPolicy.fields.map((f, i): AcceptedDeviation => ({
      id: `d${i}`,
      path: f.path,
      expiresAt,
    }))
    const result = evaluatePartner(defaultPolicy, null, all, before)
    expect(result.status).toBe('missing')
    expect(result.fields.every((f) => f.accepted === null)).toBe(true)
  })

  it('pick the active deviation with the latest expiry', () => {
    const expired: AcceptedDeviation = {
      id: 'old',
      path: deviation.path,
      expiresAt: new Date('2026-11-01T00:00:00Z'),
    }
    const later: AcceptedDeviation = {
      id: 'later',
      path: deviation.path,
      expiresAt: new Date('2027-06-01T00:00:00Z'),
    }
    const field = evaluatePartner(defaultPolicy, noMfaTrust(), [expired, deviation, later], before).fields[2]
    expect(field?.accepted?.deviationId).toBe('later')
  })

  it('are preserved by a repair of the same object: the accepted member keeps its observed value', () => {
    const observed = withValue('inboundTrust.isCompliantDeviceAccepted', false, noMfaTrust())
    const result = evaluatePartner(defaultPolicy, observed, [deviation], before)
    expect(buildPatchBody(defaultPolicy, result)).toEqual({
      inboundTrust: {
        isMfaAccepted: false,
        isCompliantDeviceAccepted: true,
        isHybridAzureADJoinedDeviceAccepted: false,
      },
    })
  })

  it('leave nothing to repair when the only difference is accepted', () => {
    expect(
      buildPatchBody(defaultPolicy, evaluatePartner(defaultPolicy, noMfaTrust(), [deviation], before)),
    ).toBeNull()
  })
})
