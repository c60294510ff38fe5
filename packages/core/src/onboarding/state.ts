import type { OnboardingStep, StepStatus } from './steps.ts'
import { ONBOARDING_STEPS, isStepDone } from './steps.ts'

export const ONBOARDING_STATES = [
  'not_started',
  'link_issued',
  'consent_received',
  'access_verified',
  'prerequisites_checked',
  'awaiting_confirmation',
  'tenant_confirmed',
  'policy_applied',
  'onboarded',
  'failed',
  'offboarding',
  'offboarded',
] as const

export type OnboardingState = (typeof ONBOARDING_STATES)[number]

export type OffboardingPhase = 'offboarding' | 'offboarded' | null

/**
 * The customer's overall onboarding state from its steps. Offboarding overrides everything; any failed
 * step makes the customer `failed`; otherwise the state names the last step that is done, and a verified
 * policy means `onboarded`.
 */
export function deriveOnboardingState(
  steps: readonly { step: OnboardingStep; status: StepStatus }[],
  offboarding: OffboardingPhase = null,
): OnboardingState {
  if (offboarding !== null) return offboarding
  if (steps.some((record) => record.status === 'failed')) return 'failed'
  const done = ONBOARDING_STEPS.filter((step) => {
    const record = steps.find((candidate) => candidate.step === step)
    return record !== undefined && isStepDone(record.status)
  })
  // Only a contiguous prefix of done steps counts: a later step cannot be done before an earlier one.
  let last: OnboardingStep | null = null
  for (const step of ONBOARDING_STEPS) {
    if (!done.includes(step)) break
    last = step
  }
  if (last === null) return 'not_started'
  if (last === 'verified') return 'onboarded'
  // The tenant was read but is not bound yet: an Operator has to confirm it (a first-time tenant).
  if (last === 'prerequisites_checked') return 'awaiting_confirmation'
  return last
}

export function isTerminalOnboardingState(state: OnboardingState): boolean {
  return state === 'onboarded' || state === 'offboarded'
}
