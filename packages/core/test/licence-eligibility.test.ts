import { describe, expect, it } from 'vitest'
import { CONSUMER_TENANT_ID, describeLicence, tenantEligibility, type LicenceFacts } from '../src/index.ts'

const facts = (over: Partial<LicenceFacts>): LicenceFacts => ({
  level: 'none',
  levelState: null,
  grantingSkus: [],
  entraSubscriptions: [],
  ...over,
})

describe('describeLicence', () => {
  it('active P2: a plain summary, no warning', () => {
    const d = describeLicence(
      facts({
        level: 'p2',
        levelState: 'active',
        grantingSkus: ['AAD_PREMIUM_P2'],
        entraSubscriptions: [
          { skuPartNumber: 'AAD_PREMIUM_P2', level: 'p2', capabilityStatus: 'Enabled', state: 'active' },
        ],
      }),
    )
    expect(d).toEqual({ summary: 'Licence: Entra ID P2 (AAD_PREMIUM_P2).', warnings: [] })
  })

  it('grace period: usable, with a renew warning', () => {
    const d = describeLicence(
      facts({
        level: 'p1',
        levelState: 'grace_period',
        grantingSkus: ['AAD_PREMIUM'],
        entraSubscriptions: [
          { skuPartNumber: 'AAD_PREMIUM', level: 'p1', capabilityStatus: 'Warning', state: 'grace_period' },
        ],
      }),
    )
    expect(d.summary).toBe('Licence: Entra ID P1 (AAD_PREMIUM), expired and in its grace period.')
    expect(d.warnings).toEqual([
      expect.stringMatching(/grace period: trust settings work until it is suspended/),
    ])
  })

  it.each([
    ['Suspended', 'suspended', /is suspended .*can still reactivate it/],
    ['LockedOut', 'locked_out', /is locked out \(the subscription was cancelled\)/],
    ['Deleted', 'deleted', /was deleted/],
    ['Frozen', 'unknown', /state Microsoft did not describe \(Frozen\)/],
  ] as const)('%s: no usable licence, and why', (capabilityStatus, state, text) => {
    const d = describeLicence(
      facts({
        entraSubscriptions: [{ skuPartNumber: 'AAD_PREMIUM_P2', level: 'p2', capabilityStatus, state }],
      }),
    )
    expect(d.summary).toBe('Licence: no usable Entra ID P1/P2.')
    expect(d.warnings[0]).toMatch(/need Entra ID P1/)
    expect(d.warnings[1]).toMatch(text)
    expect(d.warnings[1]).toContain('Entra ID P2 subscription AAD_PREMIUM_P2')
  })

  it('a suspended P2 next to an active P1 is worth a warning; a suspended P1 next to an active P2 is not', () => {
    const p1 = {
      skuPartNumber: 'AAD_PREMIUM',
      level: 'p1',
      capabilityStatus: 'Enabled',
      state: 'active',
    } as const
    const p2 = {
      skuPartNumber: 'AAD_PREMIUM_P2',
      level: 'p2',
      capabilityStatus: 'Suspended',
      state: 'suspended',
    } as const
    expect(
      describeLicence(
        facts({
          level: 'p1',
          levelState: 'active',
          grantingSkus: ['AAD_PREMIUM'],
          entraSubscriptions: [p1, p2],
        }),
      ).warnings,
    ).toHaveLength(1)
    expect(
      describeLicence(
        facts({
          level: 'p2',
          levelState: 'active',
          grantingSkus: ['AAD_PREMIUM_P2'],
          entraSubscriptions: [
            { ...p2, capabilityStatus: 'Enabled', state: 'active' },
            { ...p1, capabilityStatus: 'Suspended', state: 'suspended' },
          ],
        }),
      ).warnings,
    ).toEqual([])
  })
})

describe('tenantEligibility', () => {
  it('refuses the Microsoft account (consumer) tenant, whatever its discovery says', () => {
    const r = tenantEligibility({ tenantId: CONSUMER_TENANT_ID.toUpperCase() })
    expect(r).toMatchObject({ eligible: false, code: 'consumer_tenant' })
    expect(r.eligible ? '' : r.reason).toMatch(/personal accounts/)
  })

  it('refuses a tenant in another cloud, naming both clouds', () => {
    const r = tenantEligibility({
      tenantId: '6d1e5c3b-2a4f-4e8d-9c7b-1a2b3c4d5e6f',
      cloudInstanceName: 'microsoftonline.us',
      tenantRegionScope: 'USGov',
      tenantRegionSubScope: 'DODCON',
      endpointCloudInstanceName: 'microsoftonline.com',
    })
    expect(r).toMatchObject({ eligible: false, code: 'other_cloud' })
    expect(r.eligible ? '' : r.reason).toBe(
      'Tenant 6d1e5c3b-2a4f-4e8d-9c7b-1a2b3c4d5e6f is in Microsoft’s US Government cloud (USGov/DODCON), not in the global Microsoft cloud where Crosstrust runs. It cannot be onboarded from here: that needs a Crosstrust deployment and app registration in its cloud.',
    )
    expect(
      tenantEligibility({
        tenantId: '8f3a7e5d-4c6b-4a0f-9e2d-3c4d5e6f7081',
        cloudInstanceName: 'partner.microsoftonline.cn',
        endpointCloudInstanceName: 'microsoftonline.com',
      }),
    ).toMatchObject({ eligible: false, code: 'other_cloud' })
  })

  it('accepts a tenant of our own cloud, and one whose cloud discovery did not name', () => {
    const id = '11111111-2222-3333-4444-555555555555'
    expect(
      tenantEligibility({
        tenantId: id,
        cloudInstanceName: 'microsoftonline.us',
        endpointCloudInstanceName: 'microsoftonline.us',
      }),
    ).toEqual({ eligible: true })
    expect(tenantEligibility({ tenantId: id })).toEqual({ eligible: true })
  })
})
