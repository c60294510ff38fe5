import type { ComplianceState } from '../monitoring/check-outcome.ts'
import type { NotifiableState } from '../notifications/transitions.ts'
import { ONBOARDING_STATES, type OnboardingState } from '../onboarding/state.ts'

// One customer status in the vocabulary Microsoft 365 Lighthouse and GDAP taught providers and customers
// (Managed, Access needed, Removed by customer, Removed by partner, Error), plus Pending for an onboarding
// in progress. It is derived from the states Crosstrust already keeps, never stored, so it cannot disagree
// with them; `customerStatusCondition` in the services mirrors this table in SQL for the list filter.

export const CUSTOMER_STATUSES = [
  'pending',
  'managed',
  'access_needed',
  'removed_by_customer',
  'removed_by_partner',
  'error',
] as const
export type CustomerStatusCode = (typeof CUSTOMER_STATUSES)[number]

export const CUSTOMER_STATUS_LABELS: Record<CustomerStatusCode, string> = {
  pending: 'Pending',
  managed: 'Managed',
  access_needed: 'Access needed',
  removed_by_customer: 'Removed by customer',
  removed_by_partner: 'Removed by partner',
  error: 'Error',
}

/**
 * Consecutive failed checks (an `unknown` compliance: timeouts, throttling, 5xx past the retry budget)
 * after which a managed customer shows Error: one or two failures are Microsoft's weather, three in a row
 * (hours apart with the backoff) need a person.
 */
export const CHECK_FAILURES_FOR_ERROR = 3

/** Onboarding states before the partner entry is verified: the customer is Pending. */
export const IN_PROGRESS_ONBOARDING_STATES: readonly OnboardingState[] = ONBOARDING_STATES.filter(
  (state) => state !== 'onboarded' && state !== 'failed',
)

export interface CustomerStatusFacts {
  onboardingState: OnboardingState
  complianceState: ComplianceState
  offboardedAt: Date | null
  /** Who asked for the removal; stored with the request (null before any, or for rows older than it). */
  offboardedBy?: 'partner' | 'customer' | null
  consecutiveFailures: number
  /** Graph permissions the tenant has not consented to yet (customer_trust.missing_permissions). */
  missingPermissions: readonly string[]
  lastFailureReason: string | null
}

export interface CustomerStatus {
  code: CustomerStatusCode
  label: string
  /** Why, in one sentence staff can read to the customer. */
  reason: string
  /** The plain fix; null when nothing needs doing. */
  fix: string | null
}

function status(code: CustomerStatusCode, reason: string, fix: string | null): CustomerStatus {
  return { code, label: CUSTOMER_STATUS_LABELS[code], reason, fix }
}

function pendingStatus(state: OnboardingState): CustomerStatus {
  switch (state) {
    case 'not_started':
      return status('pending', 'No consent link has been sent yet.', 'Send the customer a consent link.')
    case 'link_issued':
      return status(
        'pending',
        "Waiting for the customer's administrator to consent.",
        'Remind the administrator; if the link expired, send a fresh one.',
      )
    case 'awaiting_confirmation':
      return status(
        'pending',
        'The consenting tenant was seen for the first time.',
        "An Operator confirms the customer's tenant on the customer page.",
      )
    default:
      return status('pending', 'Onboarding is in progress.', null)
  }
}

/**
 * The way back after an offboarding. Not a fresh consent link for the same customer: an offboarded customer's
 * consent links read as revoked and its consent callback is ignored. A new customer may bind the same tenant.
 */
const COME_BACK =
  "create the customer again and send the new customer's consent link (an offboarded customer's consent links no longer work)."

/** The customer's status and its fix, from the stored states (first matching row wins). */
export function customerStatus(facts: CustomerStatusFacts): CustomerStatus {
  const { onboardingState: onboarding, complianceState: compliance } = facts
  if (
    facts.offboardedAt !== null ||
    onboarding === 'offboarding' ||
    onboarding === 'offboarded' ||
    compliance === 'offboarded'
  ) {
    if (facts.offboardedBy === 'customer') {
      return status(
        'removed_by_customer',
        onboarding === 'offboarding'
          ? "The customer's administrator asked to remove our partner configuration; it is being removed."
          : "The customer's administrator removed our partner configuration from the status page.",
        `Ask the customer whether they want it back; if so, ${COME_BACK}`,
      )
    }
    return status(
      'removed_by_partner',
      onboarding === 'offboarding'
        ? 'We are removing our partner configuration from the tenant.'
        : 'We removed our partner configuration from the tenant.',
      `To manage this customer again, ${COME_BACK}`,
    )
  }
  if (IN_PROGRESS_ONBOARDING_STATES.includes(onboarding)) return pendingStatus(onboarding)
  if (onboarding === 'failed') {
    return status(
      'error',
      facts.lastFailureReason ?? 'Onboarding failed.',
      'Fix the cause shown on the customer page, then retry onboarding or send a fresh consent link.',
    )
  }
  if (compliance === 'removed_by_customer') {
    return status(
      'removed_by_customer',
      "The customer deleted our partner entry from their tenant's cross-tenant access settings.",
      'Ask the customer whether they meant to; re-apply the policy if they want it back, or offboard them.',
    )
  }
  if (compliance === 'access_lost') {
    return status(
      'access_needed',
      'The customer revoked our consent or deleted our application, so checks cannot read the tenant.',
      "Send a fresh consent link to the customer's administrator.",
    )
  }
  if (compliance === 'drifted') {
    return status(
      'error',
      'The partner entry differs from the policy.',
      'Re-apply the policy, or accept the deviation with a reason.',
    )
  }
  if (compliance === 'unknown' && facts.consecutiveFailures >= CHECK_FAILURES_FOR_ERROR) {
    return status(
      'error',
      facts.lastFailureReason ?? 'The last checks could not read the tenant.',
      'Look at the failed runs on the customer page and re-check once the cause is gone.',
    )
  }
  if (facts.missingPermissions.length > 0) {
    return status(
      'access_needed',
      `Consent is missing for ${facts.missingPermissions.join(', ')}.`,
      "Send a fresh consent link so the customer's administrator grants the new permissions.",
    )
  }
  return status('managed', 'The partner configuration is in place and checked on schedule.', null)
}

/**
 * The status a notification announces: the state the transition leads to. An app removed by the customer
 * is an access loss (Access needed: consent again), our deleted entry is Removed by customer.
 */
export function customerStatusAfter(next: NotifiableState): CustomerStatusCode {
  switch (next.status) {
    case 'onboarding':
      return 'pending'
    case 'onboarding_failed':
      return 'error'
    case 'compliant':
    case 'remediated':
      return 'managed'
    case 'drifted':
      return next.removedByCustomer === true ? 'removed_by_customer' : 'error'
    case 'access_lost':
      return 'access_needed'
    case 'offboarded':
      return next.removedByCustomer === true ? 'removed_by_customer' : 'removed_by_partner'
  }
}
