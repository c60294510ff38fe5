import { ConflictError } from '../errors.ts'
import type { OnboardingStep, StepStatus } from './steps.ts'
import { ONBOARDING_STEPS, canTransitionStatus, isStepDone, stepIndex } from './steps.ts'

export interface StepRecord {
  step: OnboardingStep
  status: StepStatus
  attempts: number
  startedAt: Date | null
  finishedAt: Date | null
  /** Human message staff can act on (why it failed, what it is waiting for). */
  message: string | null
}

export function initialSteps(): StepRecord[] {
  return ONBOARDING_STEPS.map((step) => ({
    step,
    status: 'pending',
    attempts: 0,
    startedAt: null,
    finishedAt: null,
    message: null,
  }))
}

function find(steps: readonly StepRecord[], step: OnboardingStep): StepRecord {
  const record = steps.find((candidate) => candidate.step === step)
  if (record === undefined)
    throw new ConflictError(`Onboarding has no step ${step}`, { code: 'unknown_step' })
  return record
}

/** Why a transition is illegal, or null when it is allowed. Steps progress strictly in order. */
export function transitionError(
  steps: readonly StepRecord[],
  step: OnboardingStep,
  to: StepStatus,
): string | null {
  const current = find(steps, step)
  if (!canTransitionStatus(current.status, to)) return `${step} cannot go from ${current.status} to ${to}`
  if (to === 'running' || to === 'succeeded') {
    const blocking = steps.find(
      (other) => stepIndex(other.step) < stepIndex(step) && !isStepDone(other.status),
    )
    if (blocking !== undefined)
      return `${step} cannot start before ${blocking.step} is done (${blocking.status})`
  }
  return null
}

/** Returns new step records with `step` moved to `to`; throws ConflictError for an illegal move. */
export function transitionStep(
  steps: readonly StepRecord[],
  step: OnboardingStep,
  to: StepStatus,
  now: Date,
  message: string | null = null,
): StepRecord[] {
  const error = transitionError(steps, step, to)
  if (error !== null)
    throw new ConflictError(error, { code: 'illegal_step_transition', extensions: { step, to } })
  return steps.map((record) => {
    if (record.step !== step) return { ...record }
    const starts = to === 'running'
    const ends = to === 'succeeded' || to === 'failed' || to === 'skipped'
    return {
      ...record,
      status: to,
      attempts: starts ? record.attempts + 1 : record.attempts,
      startedAt: starts ? now : (record.startedAt ?? (ends ? now : null)),
      finishedAt: ends ? now : null,
      message,
    }
  })
}

/**
 * Starts `step`: a failed step goes back to pending and then runs (a retry), a running one stays as it is (a
 * job that resumes), any other starts running with one more attempt.
 */
export function startStep(steps: readonly StepRecord[], step: OnboardingStep, now: Date): StepRecord[] {
  const status = steps.find((record) => record.step === step)?.status
  if (status === 'running') return steps.map((record) => ({ ...record }))
  const ready = status === 'failed' ? transitionStep(steps, step, 'pending', now) : steps
  return transitionStep(ready, step, 'running', now)
}

/** Puts `step` and every later step back to pending (a fresh consent link, or a re-onboarding). */
export function resetStepsFrom(steps: readonly StepRecord[], step: OnboardingStep): StepRecord[] {
  const from = stepIndex(step)
  return steps.map((record) =>
    stepIndex(record.step) >= from
      ? { ...record, status: 'pending', attempts: 0, startedAt: null, finishedAt: null, message: null }
      : { ...record },
  )
}

/** The first step not yet done: where onboarding stands (null when all are done). */
export function currentStep(steps: readonly StepRecord[]): StepRecord | null {
  return (
    [...steps].sort((a, b) => stepIndex(a.step) - stepIndex(b.step)).find((r) => !isStepDone(r.status)) ??
    null
  )
}
