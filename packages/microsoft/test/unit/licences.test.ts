import { describe, expect, it } from 'vitest'
import { licenceStateOf, summarizeLicences, type SubscribedSku } from '../../src/licences.ts'

const sku = (skuPartNumber: string, plans: string[] = [], capabilityStatus = 'Enabled'): SubscribedSku => ({
  skuId: `id-${skuPartNumber}`,
  skuPartNumber,
  capabilityStatus,
  servicePlans: plans.map((servicePlanName) => ({ servicePlanName, provisioningStatus: 'Success' })),
})

describe('summarizeLicences', () => {
  it('none without Entra premium', () => {
    expect(summarizeLicences([sku('O365_BUSINESS_ESSENTIALS', ['EXCHANGE_S_STANDARD'])]).level).toBe('none')
    expect(summarizeLicences([]).level).toBe('none')
  })

  it('p1 / p2 from standalone part numbers', () => {
    expect(summarizeLicences([sku('AAD_PREMIUM')])).toMatchObject({
      level: 'p1',
      grantingSkus: ['AAD_PREMIUM'],
    })
    expect(summarizeLicences([sku('AAD_PREMIUM'), sku('AAD_PREMIUM_P2')])).toMatchObject({
      level: 'p2',
      grantingSkus: ['AAD_PREMIUM_P2'],
    })
  })

  it('bundles by part number and by contained service plan', () => {
    expect(summarizeLicences([sku('SPE_E3')]).level).toBe('p1')
    expect(summarizeLicences([sku('EMSPREMIUM')]).level).toBe('p2')
    expect(summarizeLicences([sku('SOME_NEW_BUNDLE', ['AAD_PREMIUM', 'AAD_PREMIUM_P2'])]).level).toBe('p2')
  })

  it('ignores suspended SKUs and disabled plans; counts the grace period', () => {
    expect(summarizeLicences([sku('AAD_PREMIUM_P2', [], 'Suspended')]).level).toBe('none')
    expect(summarizeLicences([sku('AAD_PREMIUM', [], 'Warning')]).level).toBe('p1')
    const disabled: SubscribedSku = {
      ...sku('BUNDLE'),
      servicePlans: [{ servicePlanName: 'AAD_PREMIUM', provisioningStatus: 'Disabled' }],
    }
    expect(summarizeLicences([disabled]).level).toBe('none')
  })
})

describe('licence states (capabilityStatus)', () => {
  it('maps every documented capabilityStatus to a state; unknown values are not usable', () => {
    expect(
      ['Enabled', 'Warning', 'Suspended', 'LockedOut', 'Deleted', 'Other'].map((s) => licenceStateOf(s)),
    ).toEqual(['active', 'grace_period', 'suspended', 'locked_out', 'deleted', 'unknown'])
  })

  it('Warning still grants the level (grace period); Suspended, LockedOut and Deleted do not, but are listed', () => {
    expect(summarizeLicences([sku('AAD_PREMIUM_P2', [], 'Warning')])).toMatchObject({
      level: 'p2',
      levelState: 'grace_period',
    })
    for (const status of ['Suspended', 'LockedOut', 'Deleted']) {
      const s = summarizeLicences([sku('AAD_PREMIUM_P2', [], status), sku('O365_BUSINESS_ESSENTIALS')])
      expect(s.level).toBe('none')
      expect(s.levelState).toBeNull()
      expect(s.entraSubscriptions).toEqual([
        {
          skuPartNumber: 'AAD_PREMIUM_P2',
          level: 'p2',
          capabilityStatus: status,
          state: licenceStateOf(status),
        },
      ])
    }
    expect(
      summarizeLicences([sku('AAD_PREMIUM_P2', [], 'Warning'), sku('SPE_E5', [], 'Enabled')]).levelState,
    ).toBe('active')
  })
})
