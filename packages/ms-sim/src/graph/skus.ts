// Licences as Graph's subscribedSkus shows them. Entra ID P1 = skuPartNumber AAD_PREMIUM, P2 = AAD_PREMIUM_P2
// (ids from Microsoft's "Product names and service plan identifiers for licensing" list).
import type { Tenant } from '../state.ts'
import type { SkuCapabilityStatus } from '../graph-seed-schema.ts'

export interface Sku {
  skuId: string
  skuPartNumber: string
  units: number
  servicePlans: { servicePlanId: string; servicePlanName: string }[]
}

/** A SKU from Microsoft's licensing list: its id, part number, seats and `[servicePlanId, servicePlanName]` pairs. */
function sku(skuId: string, skuPartNumber: string, units: number, plans: [string, string][]): Sku {
  const servicePlans = plans.map(([servicePlanId, servicePlanName]) => ({ servicePlanId, servicePlanName }))
  return { skuId, skuPartNumber, units, servicePlans }
}

const ENTRA_P1_PLAN: [string, string] = ['41781fb2-bc02-4b7c-bd55-b576c07bb09d', 'AAD_PREMIUM']
const MFA_PLAN: [string, string] = ['8a256a2b-b617-496d-b51b-e76466e88db0', 'MFA_PREMIUM']

const O365_E1 = sku('18181a46-0d4e-45cd-891e-60aabd171b4e', 'STANDARDPACK', 25, [
  ['9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'EXCHANGE_S_STANDARD'],
  ['5e62787c-c316-451f-b873-1d05acd4d12c', 'BPOS_S_TODO_1'],
])
const P1 = sku('078d2b04-f1bd-4111-bbd4-b4b1b354cef4', 'AAD_PREMIUM', 50, [ENTRA_P1_PLAN, MFA_PLAN])
const P2 = sku('84a661c4-e949-4bd2-a560-ed7766fcaf2b', 'AAD_PREMIUM_P2', 50, [
  ENTRA_P1_PLAN,
  ['eec0eb4f-6444-4f95-aba0-50c24d67f998', 'AAD_PREMIUM_P2'],
  MFA_PLAN,
])

/** Every tenant has some Office licence; P1/P2 add the Entra ID premium SKU. */
export function skusFor(t: Tenant): Sku[] {
  if (t.licence === 'P2') return [O365_E1, P2]
  if (t.licence === 'P1') return [O365_E1, P1]
  return [O365_E1]
}

/** The SKU's capabilityStatus: seeded per SKU part number, Enabled otherwise. */
export function skuStatus(t: Tenant, skuPartNumber: string): SkuCapabilityStatus {
  return t.graph.skuStatuses[skuPartNumber] ?? 'Enabled'
}

/**
 * licenseUnitsDetail for a SKU in that state: the units sit in the bucket of the status (warning = expired,
 * in the grace period; suspended = cancelled, can be reactivated; lockedOut = cancelled, locked); a deleted
 * subscription has none. https://learn.microsoft.com/graph/api/resources/licenseunitsdetail?view=graph-rest-1.0
 */
export function prepaidUnits(
  status: SkuCapabilityStatus,
  units: number,
): { enabled: number; suspended: number; warning: number; lockedOut: number } {
  return {
    enabled: status === 'Enabled' ? units : 0,
    suspended: status === 'Suspended' ? units : 0,
    warning: status === 'Warning' ? units : 0,
    lockedOut: status === 'LockedOut' ? units : 0,
  }
}
