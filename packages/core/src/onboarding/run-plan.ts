import type { NotifiableState } from '../notifications/transitions.ts'
import type { OnboardingStep } from './steps.ts'
import type { StepRecord } from './transitions.ts'

// The decisions of one onboarding run, without I/O: whether to run and from where, which tenant it works on,
// whether a failure is retried by the queue or fails the customer, how long to wait for a consent to
// replicate, and the notified transition of the outcome.

/** The steps a run executes, in order (link and consent are the consent flow's; the Operator confirms). */
export const ONBOARDING_RUN_STEPS = [
  'access_verified',
  'prerequisites_checked',
  'policy_applied',
  'verified',
] as const satisfies readonly OnboardingStep[]

export type OnboardingRunStart = { run: false } | { run: true; resetFrom: OnboardingStep | null }

/**
 * Nothing to do before a consent or after verification. Every later step is idempotent (token, reads, upsert,
 * read-back), so a retried or resumed run redoes them from access verification rather than trusting what a
 * crashed or throttled run left behind.
 */
export function planOnboardingRun(steps: readonly StepRecord[]): OnboardingRunStart {
  const consent = steps.find((s) => s.step === 'consent_received')
  const verified = steps.find((s) => s.step === 'verified')
  if (consent?.status !== 'succeeded' || verified?.status === 'succeeded') return { run: false }
  const started = steps.some(
    (s) => s.step !== 'link_issued' && s.step !== 'consent_received' && s.status !== 'pending',
  )
  return { run: true, resetFrom: started ? 'access_verified' : null }
}

export interface OnboardingTenantFacts {
  tenantId: string | null
  expectedTenantId: string | null
  consentedTenantId: string | null
  confirmedTenantId: string | null
}

/**
 * The consenting tenant is the `tid` of the admin's verified ID token (the sign-in already refused any tenant
 * other than the bound or expected one). It is *bound* (and written to over Graph) only when expected at
 * creation or confirmed by an Operator. `required`: the tenant the token must be for, when one is fixed.
 */
export function onboardingTenants(customer: OnboardingTenantFacts): {
  target: string | null
  bindable: string | null
  required: string | null
} {
  return {
    target: customer.tenantId ?? customer.expectedTenantId ?? customer.consentedTenantId,
    bindable: customer.tenantId ?? customer.expectedTenantId ?? customer.confirmedTenantId,
    required: customer.tenantId ?? customer.expectedTenantId,
  }
}

/** Why the tenant may be written to: bound before, expected at creation, or confirmed by an Operator. */
export function bindingBasis(
  customer: { tenantId: string | null; expectedTenantId: string | null; tenantConfirmedBy: string | null },
  tid: string,
): string {
  if (customer.tenantId === tid) return 'The tenant is the one this customer was onboarded with.'
  if (customer.expectedTenantId === tid) return 'The tenant is the one given when the customer was created.'
  return `An Operator (${customer.tenantConfirmedBy ?? 'staff'}) confirmed the tenant.`
}

export interface OnboardingFailureFacts {
  /** This run's attempt and the job's budget (absent: no queue retry). */
  attempt: { current: number; max: number } | undefined
  /** The Microsoft error kind, or null for any other failure. */
  microsoftErrorKind: string | null
  status: number | undefined
  /**
   * Our own database failed in a way that passes (a transaction that waited too long for a lock or a
   * connection, a serialization conflict, a lost connection): as retryable as a busy Microsoft.
   */
  transientDatabase?: boolean
}

/**
 * A transient or throttled Microsoft failure, or a passing database failure, while the job has attempts left
 * goes back to the queue (the step returns to pending with this message); anything else fails the step.
 */
export function decideOnboardingFailure(
  facts: OnboardingFailureFacts,
): { action: 'retry_later'; message: string } | { action: 'fail' } {
  const { attempt, microsoftErrorKind: kind } = facts
  if (attempt === undefined || attempt.current >= attempt.max) return { action: 'fail' }
  const attemptText = `attempt ${String(attempt.current)} of ${String(attempt.max)}`
  if (facts.transientDatabase === true)
    return {
      action: 'retry_later',
      message: `Crosstrust's database was briefly busy; retrying automatically (${attemptText}).`,
    }
  if (kind !== 'transient' && kind !== 'throttled') return { action: 'fail' }
  const cause = facts.status === undefined ? kind : `HTTP ${String(facts.status)}`
  return {
    action: 'retry_later',
    message: `Microsoft is busy or unavailable (${cause}); retrying automatically (attempt ${String(attempt.current)} of ${String(attempt.max)}).`,
  }
}

export interface ConsentRetryWindow {
  /** Milliseconds since the epoch. */
  now: number
  deadline: number
  delayMs: number
  maxDelayMs: number
}

/**
 * While a fresh consent replicates: wait `delayMs`, then double it (capped), until the next wait would end
 * past the deadline (null: the window is over).
 */
export function nextConsentRetry(window: ConsentRetryWindow): { waitMs: number; nextDelayMs: number } | null {
  if (window.now + window.delayMs > window.deadline) return null
  return { waitMs: window.delayMs, nextDelayMs: Math.min(window.delayMs * 2, window.maxDelayMs) }
}

/**
 * The notified transition of a run's outcome. The previous state is the one read when the run started: a run
 * that fails again after a failure does not re-notify.
 */
export function onboardingTransition(
  onboardingState: string,
  outcome: 'onboarded' | 'failed',
): { previous: NotifiableState; next: NotifiableState } {
  return {
    previous: { status: onboardingState === 'failed' ? 'onboarding_failed' : 'onboarding' },
    next: { status: outcome === 'onboarded' ? 'compliant' : 'onboarding_failed' },
  }
}
