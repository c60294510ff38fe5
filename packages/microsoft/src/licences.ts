// Entra ID P1/P2 from /subscribedSkus. A tenant can get Entra ID P1/P2 standalone or inside a bundle
// (EMS, Microsoft 365 E3/E5, Business Premium, …), so we look at the service plans each SKU contains
// (AAD_PREMIUM = P1, AAD_PREMIUM_P2 = P2) and, as a backstop, at well-known SKU part numbers.

export type EntraLicenceLevel = 'none' | 'p1' | 'p2'

export interface SubscribedSku {
  skuId: string
  skuPartNumber: string
  capabilityStatus: string
  servicePlans: { servicePlanName: string; provisioningStatus?: string | undefined }[]
}

export interface LicenceSummary {
  level: EntraLicenceLevel
  /** SKU part numbers that grant the level (for staff). */
  grantingSkus: string[]
  /** All active SKU part numbers. */
  activeSkus: string[]
}

const P2_PLANS = new Set(['AAD_PREMIUM_P2'])
const P1_PLANS = new Set(['AAD_PREMIUM'])

/** Bundles that include Entra ID P2 / P1 (Microsoft's "product names and service plan identifiers" list). */
const P2_SKUS = new Set([
  'AAD_PREMIUM_P2',
  'EMSPREMIUM', // Enterprise Mobility + Security E5
  'SPE_E5', // Microsoft 365 E5
  'SPE_E5_NOPSTNCONF',
  'IDENTITY_THREAT_PROTECTION', // Microsoft 365 E5 Security
  'M365_E5_SUITE_COMPONENTS',
  'Microsoft_Entra_Suite',
])
const P1_SKUS = new Set([
  'AAD_PREMIUM',
  'EMS', // Enterprise Mobility + Security E3
  'SPE_E3', // Microsoft 365 E3
  'SPE_E3_USGOV_DOD',
  'SPE_E3_USGOV_GCCHIGH',
  'SPB', // Microsoft 365 Business Premium
  'SPE_F1', // Microsoft 365 F3
  'M365_F1',
  'Microsoft_365_E3',
])

// Warning = grace period after expiry: features still work.
const ACTIVE = new Set(['Enabled', 'Warning'])

export function summarizeLicences(skus: SubscribedSku[]): LicenceSummary {
  const active = skus.filter((s) => ACTIVE.has(s.capabilityStatus))
  const p2: string[] = []
  const p1: string[] = []
  for (const sku of active) {
    const plans = sku.servicePlans
      .filter((p) => p.provisioningStatus !== 'Disabled')
      .map((p) => p.servicePlanName)
    if (P2_SKUS.has(sku.skuPartNumber) || plans.some((p) => P2_PLANS.has(p))) p2.push(sku.skuPartNumber)
    else if (P1_SKUS.has(sku.skuPartNumber) || plans.some((p) => P1_PLANS.has(p))) p1.push(sku.skuPartNumber)
  }
  const level: EntraLicenceLevel = p2.length > 0 ? 'p2' : p1.length > 0 ? 'p1' : 'none'
  return {
    level,
    grantingSkus: level === 'p2' ? p2 : p1,
    activeSkus: active.map((s) => s.skuPartNumber),
  }
}
