import { describe, expect, it } from 'vitest'
import {
  attributionWindow,
  decideLookup,
  describeAttributionEntry,
  missingAttributionPermissions,
  selectAttributionEntries,
  summarizeAttribution,
  type AttributionEntry,
  type DirectoryAuditRecord,
} from '../src/index.ts'

const PARTNER = '8f5d2c3a-1b2c-4d5e-8f90-0a1b2c3d4e5f'
const OUR_APP = '11111111-2222-4333-8444-555555555555'

function audit(
  overrides: Partial<DirectoryAuditRecord> & { activityDisplayName: string },
): DirectoryAuditRecord {
  return {
    id: `Directory_${overrides.activityDisplayName.length}_${overrides.activityDateTime ?? ''}`,
    category: 'CrossTenantAccessSettings',
    activityDateTime: '2026-12-03T14:02:11.123Z',
    result: 'success',
    initiatedBy: {
      user: { id: 'u1', userPrincipalName: 'anna@contoso.com', displayName: 'Anna Admin' },
      app: null,
    },
    targetResources: [
      {
        id: PARTNER,
        type: 'Policy',
        modifiedProperties: [
          {
            displayName: 'inboundTrust',
            oldValue: JSON.stringify({ isMfaAccepted: true, isCompliantDeviceAccepted: true }),
            newValue: JSON.stringify({ isMfaAccepted: false, isCompliantDeviceAccepted: true }),
          },
        ],
      },
    ],
    ...overrides,
  }
}

const UPDATE = 'Update a partner cross-tenant access setting'
const subject = { partnerTenantId: PARTNER, ourAppId: OUR_APP }

describe('selectAttributionEntries', () => {
  it.each([
    ['a partner update by a user', audit({ activityDisplayName: UPDATE }), 1],
    ['another category', audit({ activityDisplayName: UPDATE, category: 'UserManagement' }), 0],
    ['a failed attempt', audit({ activityDisplayName: UPDATE, result: 'failure' }), 0],
    [
      'another partner',
      audit({
        activityDisplayName: UPDATE,
        targetResources: [{ id: '99999999-9999-4999-8999-999999999999', modifiedProperties: [] }],
      }),
      0,
    ],
    [
      'the default policy',
      audit({
        activityDisplayName: 'Update the company default cross-tenant access setting',
        targetResources: [],
      }),
      1,
    ],
    ['an unrelated activity', audit({ activityDisplayName: 'Add user' }), 0],
  ])('%s → %i entries', (_name, record, count) => {
    expect(selectAttributionEntries([record], subject)).toHaveLength(count)
  })

  it('names the user, marks our own app, and sorts oldest first', () => {
    const ours = audit({
      id: 'b',
      activityDisplayName: UPDATE,
      activityDateTime: '2026-12-03T15:00:00Z',
      initiatedBy: {
        user: null,
        app: { appId: OUR_APP.toUpperCase(), displayName: 'Crosstrust', servicePrincipalId: 'sp1' },
      },
    })
    const theirs = audit({ id: 'a', activityDisplayName: UPDATE })
    const entries = selectAttributionEntries([ours, theirs], subject)
    expect(entries.map((e) => [e.auditId, e.ours, e.actor.type])).toEqual([
      ['a', false, 'user'],
      ['b', true, 'app'],
    ])
    expect(entries[0]?.actor).toEqual({
      type: 'user',
      userPrincipalName: 'anna@contoso.com',
      displayName: 'Anna Admin',
    })
    expect(entries[1]?.actor).toEqual({
      type: 'app',
      appId: OUR_APP.toUpperCase(),
      displayName: 'Crosstrust',
      servicePrincipalId: 'sp1',
    })
    expect(entries[0]?.modifiedProperties[0]?.name).toBe('inboundTrust')
  })
})

describe('describeAttributionEntry', () => {
  const entry = (over: Partial<AttributionEntry>): AttributionEntry => ({
    auditId: 'x',
    activity: UPDATE,
    activityDateTime: '2026-12-03T14:02:11Z',
    actor: { type: 'user', userPrincipalName: 'anna@contoso.com' },
    ours: false,
    modifiedProperties: [],
    ...over,
  })
  const prop = (name: string, before: unknown, after: unknown) => ({
    name,
    oldValue: before === undefined ? null : JSON.stringify(before),
    newValue: after === undefined ? null : JSON.stringify(after),
  })

  it.each([
    [
      'MFA trust off',
      entry({
        modifiedProperties: [prop('inboundTrust', { isMfaAccepted: true }, { isMfaAccepted: false })],
      }),
      'Inbound trust for MFA was turned off by anna@contoso.com at 14:02 UTC on 2026-12-03',
    ],
    [
      'two trust settings',
      entry({
        modifiedProperties: [
          prop(
            'inboundTrust',
            { isMfaAccepted: false, isCompliantDeviceAccepted: false },
            { isMfaAccepted: true, isCompliantDeviceAccepted: true },
          ),
        ],
      }),
      'Inbound trust for MFA was turned on and Inbound trust for compliant devices was turned on by anna@contoso.com at 14:02 UTC on 2026-12-03',
    ],
    [
      'B2B collaboration reset to the default',
      entry({
        modifiedProperties: [
          prop('b2bCollaborationInbound', { usersAndGroups: { accessType: 'allowed' } }, null),
        ],
      }),
      'Inbound B2B collaboration was reset to inherit from default by anna@contoso.com at 14:02 UTC on 2026-12-03',
    ],
    [
      'deleted by an app',
      entry({
        activity: 'Delete partner specific cross-tenant access setting',
        actor: { type: 'app', displayName: 'Contoso automation', appId: 'a-1' },
      }),
      'The partner entry was deleted by the app Contoso automation (a-1) at 14:02 UTC on 2026-12-03',
    ],
    [
      'our own repair',
      entry({
        ours: true,
        actor: { type: 'app', appId: OUR_APP },
        modifiedProperties: [prop('inboundTrust', { isMfaAccepted: false }, { isMfaAccepted: true })],
      }),
      'Inbound trust for MFA was turned on by Crosstrust (our partner app) at 14:02 UTC on 2026-12-03',
    ],
    [
      'the default policy',
      entry({ activity: 'Reset the cross-tenant access default setting' }),
      'The default cross-tenant access settings were reset by anna@contoso.com at 14:02 UTC on 2026-12-03',
    ],
  ])('%s', (_name, input, sentence) => {
    expect(describeAttributionEntry(input)).toBe(sentence)
  })

  it('summarizes the customer changes before our own', () => {
    const ours = entry({ auditId: 'o', ours: true, actor: { type: 'app', appId: OUR_APP } })
    const theirs = entry({ auditId: 't' })
    expect(summarizeAttribution([theirs, ours])).toEqual([
      'The partner entry was changed by anna@contoso.com at 14:02 UTC on 2026-12-03',
    ])
    expect(summarizeAttribution([ours])[0]).toMatch(/by Crosstrust/)
    expect(summarizeAttribution([])).toEqual([])
  })
})

describe('lookup plan', () => {
  const theirs = { ours: false } as AttributionEntry
  const ours = { ours: true } as AttributionEntry
  it.each([
    [1, [theirs], { status: 'found' }],
    [1, [], { status: 'pending', retryInSeconds: 120 }],
    [2, [ours], { status: 'pending', retryInSeconds: 300 }],
    [4, [], { status: 'pending', retryInSeconds: 3600 }],
    [5, [], { status: 'not_found' }],
    [5, [ours], { status: 'found' }],
  ])('lookup %i with %j → %j', (lookups, entries, decision) => {
    expect(decideLookup(lookups, entries)).toEqual(decision)
  })

  it('looks back to the last compliant check (with a margin), at most 30 days', () => {
    const found = new Date('2026-12-03T14:10:00Z')
    expect(attributionWindow(new Date('2026-12-03T08:10:00Z'), found)).toEqual({
      start: new Date('2026-12-03T08:05:00Z'),
      end: found,
    })
    expect(attributionWindow(null, found).start).toEqual(new Date('2026-11-03T14:10:00Z'))
    expect(attributionWindow(new Date('2026-01-01T00:00:00Z'), found).start).toEqual(
      new Date('2026-11-03T14:10:00Z'),
    )
  })

  it('needs AuditLog.Read.All and Directory.Read.All', () => {
    expect(missingAttributionPermissions(['Policy.Read.All']).map((p) => p.permission)).toEqual([
      'AuditLog.Read.All',
      'Directory.Read.All',
    ])
    expect(missingAttributionPermissions(['AuditLog.Read.All', 'Directory.ReadWrite.All'])).toEqual([])
  })
})
