import { describe, expect, it } from 'vitest'
import { canonicalJson, defaultPolicy, hashSnapshot, snapshotOwnedFields } from '../src/index.ts'
import { compliantPartner, withValue } from './fixtures.ts'

describe('snapshotOwnedFields / hashSnapshot', () => {
  it('keeps owned fields only, normalised', () => {
    const snapshot = snapshotOwnedFields(defaultPolicy, compliantPartner())
    expect(Object.keys(snapshot ?? {})).toEqual(defaultPolicy.fields.map((f) => f.path))
    expect(snapshot?.['b2bCollaborationInbound.usersAndGroups']).toEqual({
      accessType: 'allowed',
      targets: [{ target: 'allusers', targetType: 'user' }],
    })
    expect(JSON.stringify(snapshot)).not.toContain('odata')
  })

  it('hashes identically across key order, target order, case and unowned properties', () => {
    const a = compliantPartner()
    const b = withValue('b2bCollaborationInbound.usersAndGroups', {
      targets: [{ targetType: 'USER', target: 'allUsers' }],
      accessType: 'Allowed',
    })
    b['@odata.context'] = 'other'
    b.m365CollaborationOutbound = { x: 1 }
    const reordered = Object.fromEntries(Object.entries(b).reverse())
    expect(hashSnapshot(snapshotOwnedFields(defaultPolicy, a))).toBe(
      hashSnapshot(snapshotOwnedFields(defaultPolicy, reordered)),
    )
  })

  it('treats absent and null owned members alike', () => {
    const a = compliantPartner()
    delete a.tenantRestrictions
    expect(hashSnapshot(snapshotOwnedFields(defaultPolicy, a))).toBe(
      hashSnapshot(snapshotOwnedFields(defaultPolicy, compliantPartner())),
    )
  })

  it('changes when an owned value changes, and for a missing entry', () => {
    const base = hashSnapshot(snapshotOwnedFields(defaultPolicy, compliantPartner()))
    expect(
      hashSnapshot(snapshotOwnedFields(defaultPolicy, withValue('inboundTrust.isMfaAccepted', false))),
    ).not.toBe(base)
    expect(snapshotOwnedFields(defaultPolicy, null)).toBeNull()
    expect(hashSnapshot(null)).not.toBe(base)
    expect(base).toMatch(/^[0-9a-f]{64}$/)
  })

  it('canonicalJson sorts keys recursively and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"z":1}]},"b":1}',
    )
  })
})
