import { describe, expect, it } from 'vitest'
import {
  decideDefaultPolicyChange,
  decodeDefaultPolicyReading,
  describeChanges,
  defaultPolicyFingerprints,
  encodeDefaultPolicyReading,
  inheritedDefaultMembers,
  selectAttributionEntries,
  type DefaultPolicyMember,
  type DirectoryAuditRecord,
} from '../src/index.ts'

const PARTNER = '8f5d2c3a-1b2c-4d5e-8f90-0a1b2c3d4e5f'
const OUR_APP = '11111111-2222-4333-8444-555555555555'

const serviceDefault = {
  '@odata.context':
    'https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/default/$entity',
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
  b2bCollaborationOutbound: { usersAndGroups: { accessType: 'allowed', targets: [] } },
}

describe('default policy fingerprints', () => {
  const base = defaultPolicyFingerprints(serviceDefault)

  it.each([
    [
      'the same settings in another key order',
      {
        b2bCollaborationInbound: serviceDefault.b2bCollaborationInbound,
        inboundTrust: {
          isHybridAzureADJoinedDeviceAccepted: false,
          isCompliantDeviceAccepted: false,
          isMfaAccepted: false,
        },
      },
    ],
    [
      'an outbound change (effective trust does not read it)',
      { ...serviceDefault, b2bCollaborationOutbound: null },
    ],
    [
      'OData annotations',
      {
        ...serviceDefault,
        inboundTrust: {
          ...serviceDefault.inboundTrust,
          '@odata.type': '#microsoft.graph.crossTenantAccessPolicyInboundTrust',
        },
      },
    ],
    ['isServiceDefault flipping', { ...serviceDefault, isServiceDefault: false }],
  ])('are unchanged by %s', (_name, policy) => {
    expect(defaultPolicyFingerprints(policy)).toEqual(base)
  })

  it.each([
    [
      'MFA trust turned on',
      'inboundTrust',
      { ...serviceDefault, inboundTrust: { ...serviceDefault.inboundTrust, isMfaAccepted: true } },
    ],
    [
      'inbound B2B blocked',
      'b2bCollaborationInbound',
      {
        ...serviceDefault,
        b2bCollaborationInbound: {
          ...serviceDefault.b2bCollaborationInbound,
          usersAndGroups: { accessType: 'blocked', targets: [{ target: 'AllUsers', targetType: 'user' }] },
        },
      },
    ],
    ['inbound trust missing', 'inboundTrust', { ...serviceDefault, inboundTrust: null }],
  ] as const)('change with %s, in that member only', (_name, member, policy) => {
    const changed = defaultPolicyFingerprints(policy)
    const other = member === 'inboundTrust' ? 'b2bCollaborationInbound' : 'inboundTrust'
    expect(changed[member]).not.toBe(base[member])
    expect(changed[other]).toBe(base[other])
  })

  it('treat an absent member like null', () => {
    const { inboundTrust: _dropped, ...rest } = serviceDefault
    expect(defaultPolicyFingerprints(rest)).toEqual(
      defaultPolicyFingerprints({ ...serviceDefault, inboundTrust: null }),
    )
  })
})

describe('inheritedDefaultMembers', () => {
  const ownTrust = {
    isMfaAccepted: true,
    isCompliantDeviceAccepted: false,
    isHybridAzureADJoinedDeviceAccepted: false,
  }
  const ownB2b = serviceDefault.b2bCollaborationInbound

  it.each([
    ['no partner entry', null, ['b2bCollaborationInbound', 'inboundTrust']],
    ['an entry overriding both', { inboundTrust: ownTrust, b2bCollaborationInbound: ownB2b }, []],
    [
      'an entry with its own trust',
      { inboundTrust: ownTrust, b2bCollaborationInbound: null },
      ['b2bCollaborationInbound'],
    ],
    ['an entry with its own B2B', { inboundTrust: null, b2bCollaborationInbound: ownB2b }, ['inboundTrust']],
    [
      'an entry leaving one trust setting unset',
      {
        inboundTrust: { ...ownTrust, isHybridAzureADJoinedDeviceAccepted: null },
        b2bCollaborationInbound: ownB2b,
      },
      ['inboundTrust'],
    ],
  ] as const)('%s', (_name, partner, members) => {
    expect(inheritedDefaultMembers(partner)).toEqual(members)
  })
})

describe('the stored reading', () => {
  const reading = {
    fingerprints: defaultPolicyFingerprints(serviceDefault),
    inherited: ['inboundTrust' as const],
  }

  it('reads back what was stored', () => {
    expect(decodeDefaultPolicyReading(encodeDefaultPolicyReading(reading))).toEqual(reading)
  })

  it.each([
    ['a single hash over both members (stored before they were fingerprinted apart)', 'a'.repeat(64)],
    ['not JSON', '{'],
    [
      'a fingerprint missing',
      JSON.stringify({ fingerprints: { inboundTrust: 'a'.repeat(64) }, inherited: [] }),
    ],
    ['an unknown member', JSON.stringify({ ...reading, inherited: ['b2bCollaborationOutbound'] })],
    [
      'a fingerprint that is no hash',
      JSON.stringify({ ...reading, fingerprints: { ...reading.fingerprints, inboundTrust: 'x' } }),
    ],
  ])('is nothing for %s (the next read is a first observation)', (_name, stored) => {
    expect(decodeDefaultPolicyReading(stored)).toBeNull()
  })
})

describe('decideDefaultPolicyChange', () => {
  const now = new Date('2026-12-03T15:00:00Z')
  const seenAt = new Date('2026-12-03T14:00:00Z')
  const a = defaultPolicyFingerprints(serviceDefault)
  const mfaTrusted = defaultPolicyFingerprints({
    ...serviceDefault,
    inboundTrust: { ...serviceDefault.inboundTrust, isMfaAccepted: true },
  })
  const both: DefaultPolicyMember[] = ['b2bCollaborationInbound', 'inboundTrust']
  const b2bOnly: DefaultPolicyMember[] = ['b2bCollaborationInbound']
  const trustOnly: DefaultPolicyMember[] = ['inboundTrust']

  it('is nothing when the check did not read the default', () => {
    expect(decideDefaultPolicyChange({ fingerprints: a, inherited: both, seenAt }, null, now)).toEqual({
      kind: 'not_read',
    })
    expect(decideDefaultPolicyChange(null, null, now)).toEqual({ kind: 'not_read' })
  })

  it('is no change on the first observation', () => {
    const reading = { fingerprints: a, inherited: both }
    expect(decideDefaultPolicyChange(null, reading, now)).toEqual({ kind: 'first_seen', reading })
  })

  it('is no change when the fingerprints are the same', () => {
    const reading = { fingerprints: a, inherited: both }
    expect(decideDefaultPolicyChange({ ...reading, seenAt }, reading, now)).toEqual({
      kind: 'unchanged',
      reading,
    })
  })

  it('is a change of the inherited member since the last check that saw the old value (minus the clock margin)', () => {
    const reading = { fingerprints: mfaTrusted, inherited: both }
    expect(decideDefaultPolicyChange({ fingerprints: a, inherited: both, seenAt }, reading, now)).toEqual({
      kind: 'changed',
      reading,
      previous: { fingerprints: a, inherited: both },
      members: ['inboundTrust'],
      window: { start: new Date('2026-12-03T13:55:00Z'), end: now },
    })
  })

  it('is no change when the member that changed is one the entry overrides (stored all the same)', () => {
    // The entry sets its own inbound trust and inherits B2B collaboration: MFA trust in the default does
    // not reach our operators.
    const reading = { fingerprints: mfaTrusted, inherited: b2bOnly }
    expect(decideDefaultPolicyChange({ fingerprints: a, inherited: b2bOnly, seenAt }, reading, now)).toEqual({
      kind: 'unchanged',
      reading,
    })
  })

  it('is no change when the entry moves from overriding a member to inheriting it', () => {
    // Overridden at the last read, inherited now: the inherited set changed (the entry's drift), not the default.
    const previous = { fingerprints: a, inherited: b2bOnly, seenAt }
    const reading = { fingerprints: mfaTrusted, inherited: both }
    expect(decideDefaultPolicyChange(previous, reading, now)).toEqual({ kind: 'unchanged', reading })
    // The next check compares the member, now stored as inherited.
    const later = { fingerprints: a, inherited: both }
    expect(decideDefaultPolicyChange({ ...reading, seenAt: now }, later, now)).toMatchObject({
      kind: 'changed',
      members: ['inboundTrust'],
    })
  })

  it('is no change when the entry moves from inheriting a member to overriding it', () => {
    const reading = { fingerprints: mfaTrusted, inherited: b2bOnly }
    expect(decideDefaultPolicyChange({ fingerprints: a, inherited: both, seenAt }, reading, now)).toEqual({
      kind: 'unchanged',
      reading,
    })
  })

  it('names only the inherited members that changed', () => {
    const blocked = defaultPolicyFingerprints({
      ...serviceDefault,
      b2bCollaborationInbound: null,
      inboundTrust: null,
    })
    expect(
      decideDefaultPolicyChange(
        { fingerprints: a, inherited: both, seenAt },
        { fingerprints: blocked, inherited: trustOnly },
        now,
      ),
    ).toMatchObject({ kind: 'changed', members: ['inboundTrust'] })
  })

  it('looks back at most 30 days, however long the default went unread', () => {
    const change = decideDefaultPolicyChange(
      { fingerprints: a, inherited: both, seenAt: new Date('2026-09-01T00:00:00Z') },
      { fingerprints: mfaTrusted, inherited: both },
      now,
    )
    expect(change.kind === 'changed' && change.window.start).toEqual(new Date('2026-11-03T15:00:00Z'))
  })
})

describe('attribution of a default-policy change', () => {
  const record = (activityDisplayName: string, id: string): DirectoryAuditRecord => ({
    id,
    category: 'CrossTenantAccessSettings',
    activityDisplayName,
    activityDateTime: `2026-12-03T14:0${id}:00Z`,
    result: 'success',
    initiatedBy: { user: { id: 'u1', userPrincipalName: 'anna@contoso.com', displayName: 'Anna Admin' } },
    targetResources: [{ id: PARTNER, modifiedProperties: [] }],
  })
  const records = [
    record('Update a partner cross-tenant access setting', '1'),
    record('Update the company default cross-tenant access setting', '2'),
    record('Reset the cross-tenant access default setting', '3'),
  ]

  it('keeps only the default-policy activities', () => {
    const entries = selectAttributionEntries(records, {
      partnerTenantId: PARTNER,
      ourAppId: OUR_APP,
      kind: 'default_policy',
    })
    expect(entries.map((e) => e.auditId)).toEqual(['2', '3'])
  })

  it('a partner-entry drift still sees both (the entry may inherit the default)', () => {
    const entries = selectAttributionEntries(records, { partnerTenantId: PARTNER, ourAppId: OUR_APP })
    expect(entries.map((e) => e.auditId)).toEqual(['1', '2', '3'])
  })
})

describe('describing a default-policy change', () => {
  it('names the settings, not the bookkeeping of the default', () => {
    expect(
      describeChanges([
        { name: 'isServiceDefault', oldValue: 'true', newValue: 'false' },
        {
          name: 'inboundTrust',
          oldValue: JSON.stringify({ isMfaAccepted: false }),
          newValue: JSON.stringify({ isMfaAccepted: true }),
        },
      ]),
    ).toEqual(['Inbound trust for MFA was turned on'])
  })
})
