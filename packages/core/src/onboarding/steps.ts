// Onboarding is persisted as ordered steps. This file holds the vocabulary and the
// legal status transitions; `state.ts` derives the customer's overall state from the steps.

export const ONBOARDING_STEPS = [
  'link_issued',
  'consent_received',
  'access_verified',
  'prerequisites_checked',
  // Nothing is written to a tenant before it is bound: expected when the customer was created, or confirmed
  // by an Operator for a first-time tenant.
  'tenant_confirmed',
  'policy_applied',
  'verified',
] as const

export type OnboardingStep = (typeof ONBOARDING_STEPS)[number]

export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const

export type StepStatus = (typeof STEP_STATUSES)[number]

/**
 * Allowed status changes of one step. `pending → succeeded/failed` covers steps decided instantly (the
 * consent callback); `running → pending` releases a step for a backoff retry (consent replication);
 * `failed → pending/running` is a retry by staff or a fresh consent. Succeeded and skipped steps only go
 * back to pending through an explicit reset (`resetStepsFrom`), never by an ordinary transition.
 */
const LEGAL: Record<StepStatus, readonly StepStatus[]> = {
  pending: ['running', 'succeeded', 'failed', 'skipped'],
  running: ['succeeded', 'failed', 'pending'],
  failed: ['pending', 'running'],
  succeeded: [],
  skipped: [],
}

export function canTransitionStatus(from: StepStatus, to: StepStatus): boolean {
  return LEGAL[from].includes(to)
}

export function stepIndex(step: OnboardingStep): number {
  return ONBOARDING_STEPS.indexOf(step)
}

export function isStepDone(status: StepStatus): boolean {
  return status === 'succeeded' || status === 'skipped'
}
