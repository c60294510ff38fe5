// The directory audit activities that change cross-tenant access settings (category
// `CrossTenantAccessSettings`), as Microsoft's audit activity reference names them:
// https://learn.microsoft.com/entra/identity/monitoring-health/reference-audit-activities

export const CROSS_TENANT_ACCESS_CATEGORY = 'CrossTenantAccessSettings'

export const PARTNER_ACTIVITIES = {
  added: 'Add a partner to cross-tenant access setting',
  updated: 'Update a partner cross-tenant access setting',
  deleted: 'Delete partner specific cross-tenant access setting',
} as const

export const DEFAULT_POLICY_ACTIVITIES = {
  updated: 'Update the company default cross-tenant access setting',
  reset: 'Reset the cross-tenant access default setting',
} as const

const PARTNER_ACTIVITY_NAMES: ReadonlySet<string> = new Set(Object.values(PARTNER_ACTIVITIES))
const DEFAULT_ACTIVITY_NAMES: ReadonlySet<string> = new Set(Object.values(DEFAULT_POLICY_ACTIVITIES))

export function isPartnerActivity(activity: string): boolean {
  return PARTNER_ACTIVITY_NAMES.has(activity)
}

export function isDefaultPolicyActivity(activity: string): boolean {
  return DEFAULT_ACTIVITY_NAMES.has(activity)
}
