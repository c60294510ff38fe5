import { describe, expect, it } from 'vitest'
import {
  defaultPolicy,
  expectedVerificationView,
  parsePolicyDefinition,
  policyDefinitionSchema,
  snapshotOwnedFields,
  verificationView,
  verificationViewOfSnapshot,
} from '../src/index.ts'
import { compliantPartner, withValue } from './fixtures.ts'

describe('defaultPolicy (version 1 = the setup guide settings)', () => {
  it('owns exactly the ten fields of the design table with their remediation', () => {
    const summary = Object.fromEntries(
      defaultPolicy.fields.map((f) => [f.path, [f.comparator, f.remediation, f.desired]]),
    )
    expect(defaultPolicy.version).toBe(1)
    expect(summary).toEqual({
      'b2bCollaborationInbound.usersAndGroups': [
        'access_setting',
        'repairable',
        { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
      ],
      'b2bCollaborationInbound.applications': [
        'access_setting',
        'repairable',
        { accessType: 'allowed', targets: [{ target: 'AllApplications', targetType: 'application' }] },
      ],
      'inboundTrust.isMfaAccepted': ['exact_boolean', 'repairable', true],
      'inboundTrust.isCompliantDeviceAccepted': ['exact_boolean', 'repairable', true],
      'inboundTrust.isHybridAzureADJoinedDeviceAccepted': ['exact_boolean', 'repairable', false],
      'automaticUserConsentSettings.inboundAllowed': ['false_or_null', 'repairable', false],
      b2bCollaborationOutbound: ['inherited', 'report_only', null],
      b2bDirectConnectOutbound: ['inherited', 'report_only', null],
      b2bDirectConnectInbound: ['inherited', 'report_only', null],
      tenantRestrictions: ['inherited', 'report_only', null],
    })
  })

  it('uses the portal wording of the guide in labels', () => {
    const labels = defaultPolicy.fields.map((f) => f.label).join('\n')
    expect(labels).toContain('Trust multifactor authentication from Microsoft Entra tenants')
    expect(labels).toContain('Trust compliant devices')
    expect(labels).toContain('Inherited from default')
  })

  it('passes its own schema and survives a JSON round trip', () => {
    expect(parsePolicyDefinition(JSON.parse(JSON.stringify(defaultPolicy)))).toEqual(defaultPolicy)
  })
})

describe('policyDefinitionSchema', () => {
  const v1 = (): Record<string, unknown> & { fields: Record<string, unknown>[] } =>
    JSON.parse(JSON.stringify(defaultPolicy)) as Record<string, unknown> & {
      fields: Record<string, unknown>[]
    }

  function messages(input: unknown): string[] {
    const result = policyDefinitionSchema.safeParse(input)
    return result.success
      ? []
      : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  }

  it('accepts a version 2 that also trusts hybrid joined devices', () => {
    const next = v1()
    next.version = 2
    next.description = 'Also trust hybrid joined devices'
    const hybrid = next.fields.find((f) => f.path === 'inboundTrust.isHybridAzureADJoinedDeviceAccepted')
    if (hybrid === undefined) throw new Error('fixture')
    hybrid.desired = true
    expect(parsePolicyDefinition(next).version).toBe(2)
  })

  it('rejects isServiceProvider and tenantId (not updatable; app-only writes get 403)', () => {
    for (const path of ['isServiceProvider', 'tenantId']) {
      const bad = v1()
      bad.fields.push({
        path,
        label: 'x',
        comparator: 'exact_boolean',
        desired: false,
        remediation: 'repairable',
      })
      expect(messages(bad).some((m) => m.includes('top-level property must be one of'))).toBe(true)
    }
  })

  it('rejects duplicate and overlapping paths', () => {
    const bad = v1()
    bad.fields.push({
      path: 'b2bCollaborationInbound',
      label: 'x',
      comparator: 'inherited',
      desired: null,
      remediation: 'repairable',
    })
    expect(
      messages(bad).some((m) => m.includes('overlaps with b2bCollaborationInbound.usersAndGroups')),
    ).toBe(true)
  })

  it('rejects mixed remediation within one top-level object', () => {
    const bad = v1()
    const mfa = bad.fields.find((f) => f.path === 'inboundTrust.isMfaAccepted')
    if (mfa === undefined) throw new Error('fixture')
    mfa.remediation = 'report_only'
    expect(
      messages(bad).some((m) => m.includes('all fields under inboundTrust must share one remediation')),
    ).toBe(true)
  })

  it('requires both halves of a B2B setting with the same accessType', () => {
    const onlyOne = v1()
    onlyOne.fields = onlyOne.fields.filter((f) => f.path !== 'b2bCollaborationInbound.applications')
    expect(messages(onlyOne)).toContain(
      'fields.0.path: requires b2bCollaborationInbound.applications as well',
    )

    const mismatch = v1()
    const apps = mismatch.fields.find((f) => f.path === 'b2bCollaborationInbound.applications')
    if (apps === undefined) throw new Error('fixture')
    apps.desired = {
      accessType: 'blocked',
      targets: [{ target: 'AllApplications', targetType: 'application' }],
    }
    expect(messages(mismatch).some((m) => m.includes('must equal the accessType'))).toBe(true)
  })

  it('rejects a desired value that does not fit the comparator, unknown keys and bad versions', () => {
    const wrongType = v1()
    const mfa = wrongType.fields.find((f) => f.path === 'inboundTrust.isMfaAccepted')
    if (mfa === undefined) throw new Error('fixture')
    mfa.desired = 'yes'
    expect(messages(wrongType)).toEqual([
      'fields.2.desired: Invalid input: expected boolean, received string',
    ])

    const extra = v1()
    extra.partnerTenantId = 'abc'
    expect(messages(extra)).toEqual([': Unrecognized key: "partnerTenantId"'])

    const version = v1()
    version.version = 0
    expect(messages(version).some((m) => m.startsWith('version'))).toBe(true)
  })

  it('rejects nested inherited fields', () => {
    const bad = v1()
    bad.fields.push({
      path: 'tenantRestrictions.devices',
      label: 'x',
      comparator: 'inherited',
      desired: null,
      remediation: 'report_only',
    })
    bad.fields = bad.fields.filter((f) => f.path !== 'tenantRestrictions')
    expect(messages(bad)).toContain(
      `fields.${bad.fields.length - 1}.path: inherited fields must be top-level`,
    )
  })
})

describe('verificationView (the portal columns of the partner entry settings)', () => {
  it('shows Configured / Inherited from default / Inherited from default for the applied policy', () => {
    const expected = {
      inboundAccess: 'Configured',
      outboundAccess: 'Inherited from default',
      tenantRestrictions: 'Inherited from default',
    }
    expect(verificationView(compliantPartner())).toEqual(expected)
    expect(expectedVerificationView(defaultPolicy)).toEqual(expected)
  })

  it('shows Configured when a customer sets outbound access or tenant restrictions', () => {
    const outbound = withValue('b2bCollaborationOutbound', {
      usersAndGroups: { accessType: 'blocked', targets: [] },
    })
    expect(verificationView(outbound).outboundAccess).toBe('Configured')
    const tr = withValue('tenantRestrictions', { usersAndGroups: { accessType: 'blocked', targets: [] } })
    expect(verificationView(tr).tenantRestrictions).toBe('Configured')
  })

  it('shows inbound as inherited when every inbound setting is null', () => {
    const bare = {
      tenantId: 'x',
      inboundTrust: null,
      b2bCollaborationInbound: null,
      automaticUserConsentSettings: { inboundAllowed: null },
    }
    expect(verificationView(bare).inboundAccess).toBe('Inherited from default')
  })

  it('shows Not added for a missing entry', () => {
    expect(verificationView(null)).toEqual({
      inboundAccess: 'Not added',
      outboundAccess: 'Not added',
      tenantRestrictions: 'Not added',
    })
  })
})

describe('verificationViewOfSnapshot (the same columns from a stored flat snapshot)', () => {
  const flat = (observed: unknown) => snapshotOwnedFields(defaultPolicy, observed) ?? {}

  it('shows the applied entry as the nested partner entry shows it', () => {
    expect(verificationViewOfSnapshot(flat(compliantPartner()))).toEqual(verificationView(compliantPartner()))
  })

  it('shows inbound as inherited when the customer reset it (the snapshot holds its owned fields as null)', () => {
    const reset = {
      ...compliantPartner(),
      b2bCollaborationInbound: null,
      inboundTrust: null,
      automaticUserConsentSettings: { inboundAllowed: null, outboundAllowed: null },
    }
    const snapshot = flat(reset)
    expect(Object.keys(snapshot).some((k) => k.startsWith('b2bCollaborationInbound.'))).toBe(true)
    expect(verificationViewOfSnapshot(snapshot).inboundAccess).toBe(verificationView(reset).inboundAccess)
    expect(verificationViewOfSnapshot(snapshot).inboundAccess).toBe('Inherited from default')
  })

  it('reads values beneath or inside an object above a column path; ignores keys that only share a prefix', () => {
    expect(
      verificationViewOfSnapshot({ automaticUserConsentSettings: { inboundAllowed: false } }).inboundAccess,
    ).toBe('Configured')
    expect(
      verificationViewOfSnapshot({ automaticUserConsentSettings: { inboundAllowed: null } }).inboundAccess,
    ).toBe('Inherited from default')
    expect(
      verificationViewOfSnapshot({ 'tenantRestrictions.usersAndGroups': { accessType: 'blocked' } })
        .tenantRestrictions,
    ).toBe('Configured')
    expect(verificationViewOfSnapshot({ b2bCollaborationInboundExtra: 1, tenantRestrictionsV2: {} })).toEqual(
      {
        inboundAccess: 'Inherited from default',
        outboundAccess: 'Inherited from default',
        tenantRestrictions: 'Inherited from default',
      },
    )
  })
})
