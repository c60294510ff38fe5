// Entra ID P1/P2 from /subscribedSkus. A tenant can get Entra ID P1/P2 standalone or inside a bundle
// (EMS, Microsoft 365 E3/E5, Business Premium, …), so we look at the service plans each SKU contains
// (AAD_PREMIUM = P1, AAD_PREMIUM_P2 = P2) and, as a backstop, at well-known SKU part numbers.

export type EntraLicenceLevel = 'none' | 'p1' | 'p2'

/**
 * `subscribedSku.capabilityStatus` in our words. Microsoft lists the values in the order a subscription that
 * is not renewed goes through them: Enabled, Warning (grace period, still usable), Suspended (cannot be
 * assigned, data kept), LockedOut (unavailable to everyone, data kept), Deleted (data may be deleted).
 * Sources: docs/microsoft-behaviour.md.
 */
export type LicenceState = 'active' | 'grace_period' | 'suspended' | 'locked_out' | 'deleted' | 'unknown'

const STATES: Record<string, LicenceState> = {
  Enabled: 'active',
  Warning: 'grace_period',
  Suspended: 'suspended',
  LockedOut: 'locked_out',
  Deleted: 'deleted',
}

export function licenceStateOf(capabilityStatus: string): LicenceState {
  return STATES[capabilityStatus] ?? 'unknown'
}

/** A subscription that would grant Entra ID P1 or P2, whatever its state. */
export interface EntraSubscription {
  skuPartNumber: string
  level: 'p1' | 'p2'
  capabilityStatus: string
  state: LicenceState
}

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
  /**
   * `active`, or `grace_period` when every subscription granting `level` is in its grace period (still works,
   * must be renewed); null when level is none.
   */
  levelState: 'active' | 'grace_period' | null
  /** Every subscription that grants (or granted) Entra ID P1/P2, with its state: why a level is missing. */
  entraSubscriptions: EntraSubscription[]
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

function entraLevelOf(sku: SubscribedSku): 'p1' | 'p2' | null {
  const plans = sku.servicePlans
    .filter((p) => p.provisioningStatus !== 'Disabled')
    .map((p) => p.servicePlanName)
  if (P2_SKUS.has(sku.skuPartNumber) || plans.some((p) => P2_PLANS.has(p))) return 'p2'
  if (P1_SKUS.has(sku.skuPartNumber) || plans.some((p) => P1_PLANS.has(p))) return 'p1'
  return null
}

export function summarizeLicences(skus: SubscribedSku[]): LicenceSummary {
  const active = skus.filter((s) => ACTIVE.has(s.capabilityStatus))
  const entraSubscriptions: EntraSubscription[] = []
  for (const sku of skus) {
    const level = entraLevelOf(sku)
    if (level === null) continue
    entraSubscriptions.push({
      skuPartNumber: sku.skuPartNumber,
      level,
      capabilityStatus: sku.capabilityStatus,
      state: licenceStateOf(sku.capabilityStatus),
    })
  }
  const usable = entraSubscriptions.filter((s) => s.state === 'active' || s.state === 'grace_period')
  const p2 = usable.filter((s) => s.level === 'p2')
  const p1 = usable.filter((s) => s.level === 'p1')
  const level: EntraLicenceLevel = p2.length > 0 ? 'p2' : p1.length > 0 ? 'p1' : 'none'
  const granting = level === 'p2' ? p2 : p1
  return {
    level,
    grantingSkus: granting.map((s) => s.skuPartNumber),
    activeSkus: active.map((s) => s.skuPartNumber),
    levelState:
      level === 'none' ? null : granting.some((s) => s.state === 'active') ? 'active' : 'grace_period',
    entraSubscriptions,
  }
}
