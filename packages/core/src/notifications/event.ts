import type { CustomerStatusCode } from '../customer-status/status.ts'
import type { TransitionKind } from './transitions.ts'

export interface NotificationFieldDiff {
  path: string
  label: string
  desired: unknown
  observed: unknown
  remediation: 'repairable' | 'report_only'
}

/** One notification, independent of the channel format. */
export interface NotificationEvent {
  /** The de-duplication key; receivers can use it to drop duplicates too. */
  id: string
  transition: TransitionKind
  occurredAt: Date
  customer: { id: string; name: string; tenantId: string | null }
  partnerName: string
  /** The customer status the transition leads to (Managed, Access needed, …); absent for trust changes. */
  customerStatus?: CustomerStatusCode
  policyVersion?: number
  /** Drifted fields, when the transition concerns drift. */
  fields?: NotificationFieldDiff[]
  /** Extra human detail (e.g. an onboarding failure message). Plain text. */
  detail?: string
  /** Who made a drift, from the tenant's directory audit log (drift notifications, `drift_attributed`). */
  attribution?: NotificationAttribution
  dashboardUrl?: string
}

export interface NotificationAttribution {
  /** `found`, `pending` (looked up again later), `not_found`, `not_enabled` or `failed`. */
  status: string
  /** One sentence per change: "Inbound trust for MFA was turned off by anna@contoso.com at 14:02 UTC …". */
  sentences: string[]
}

const HEADLINES: Record<TransitionKind, string> = {
  drifted: 'Partner policy drift detected',
  recovered: 'Partner policy compliant again',
  remediated: 'Partner policy drift repaired',
  access_lost: 'Access to customer tenant lost',
  access_restored: 'Access to customer tenant restored',
  removed_by_customer: 'Removed by the customer',
  onboarding_failed: 'Onboarding failed',
  onboarding_completed: 'Onboarding completed',
  trust_changed: 'Trust effectiveness changed',
  drift_attributed: 'Drift attributed',
}

export function headline(transition: TransitionKind): string {
  return HEADLINES[transition]
}

/** One line for channels' fallback text and for logs. */
export function summaryLine(event: NotificationEvent): string {
  const count = event.fields?.length ?? 0
  const fields = count > 0 ? ` (${count} setting${count === 1 ? '' : 's'} differ)` : ''
  return `${headline(event.transition)}: ${event.customer.name}${fields}`
}

export function severityOf(transition: TransitionKind): 'good' | 'warning' | 'attention' {
  switch (transition) {
    case 'recovered':
    case 'remediated':
    case 'access_restored':
    case 'onboarding_completed':
      return 'good'
    case 'drifted':
    case 'trust_changed':
    case 'drift_attributed':
      return 'warning'
    case 'access_lost':
    case 'removed_by_customer':
    case 'onboarding_failed':
      return 'attention'
  }
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'inherited (null)'
  return typeof value === 'string' ? value : JSON.stringify(value)
}
