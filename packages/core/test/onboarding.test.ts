import { describe, expect, it } from 'vitest'
import type { OnboardingStep, StepRecord } from '../src/index.ts'
import {
  ConflictError,
  ONBOARDING_STEPS,
  canTransitionStatus,
  currentStep,
  deriveOnboardingState,
  initialSteps,
  resetStepsFrom,
  startStep,
  transitionError,
  transitionStep,
} from '../src/index.ts'

const t0 = new Date('2026-11-27T10:00:00Z')
const t1 = new Date('2026-11-27T10:01:00Z')

function succeedThrough(last: OnboardingStep): StepRecord[] {
  let steps = initialSteps()
  for (const step of ONBOARDING_STEPS) {
    steps = transitionStep(steps, step, 'succeeded', t0)
    if (step === last) break
  }
  return steps
}

describe('onboarding steps', () => {
  it('start as seven pending steps in order', () => {
    const steps = initialSteps()
    expect(steps.map((s) => s.step)).toEqual([
      'link_issued',
      'consent_received',
      'access_verified',
      'prerequisites_checked',
      'tenant_confirmed',
      'policy_applied',
      'verified',
    ])
    expect(steps.every((s) => s.status === 'pending' && s.attempts === 0)).toBe(true)
    expect(deriveOnboardingState(steps)).toBe('not_started')
  })

  it('allow only the legal status moves', () => {
    expect(canTransitionStatus('pending', 'running')).toBe(true)
    expect(canTransitionStatus('running', 'pending')).toBe(true)
    expect(canTransitionStatus('failed', 'running')).toBe(true)
    expect(canTransitionStatus('succeeded', 'running')).toBe(false)
    expect(canTransitionStatus('succeeded', 'failed')).toBe(false)
    expect(canTransitionStatus('skipped', 'pending')).toBe(false)
    expect(canTransitionStatus('running', 'skipped')).toBe(false)
  })

  it('progress strictly in order', () => {
    const steps = initialSteps()
    expect(transitionError(steps, 'access_verified', 'running')).toBe(
      'access_verified cannot start before link_issued is done (pending)',
    )
    expect(() => transitionStep(steps, 'policy_applied', 'succeeded', t0)).toThrow(ConflictError)
    // Failing does not need the previous steps (e.g. a consent error arriving for an issued link).
    expect(transitionError(succeedThrough('link_issued'), 'consent_received', 'failed')).toBeNull()
  })

  it('count attempts and keep timestamps and messages', () => {
    let steps = succeedThrough('consent_received')
    steps = transitionStep(steps, 'access_verified', 'running', t0, 'Waiting for consent to replicate')
    steps = transitionStep(steps, 'access_verified', 'pending', t0, 'Retrying in 10 s (AADSTS7000229)')
    steps = transitionStep(steps, 'access_verified', 'running', t1)
    steps = transitionStep(steps, 'access_verified', 'succeeded', t1)
    const record = steps.find((s) => s.step === 'access_verified')
    expect(record).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      startedAt: t1,
      finishedAt: t1,
      message: null,
    })
    expect(deriveOnboardingState(steps)).toBe('access_verified')
  })

  it('reject illegal moves with a ConflictError carrying a stable code', () => {
    const steps = succeedThrough('link_issued')
    try {
      transitionStep(steps, 'link_issued', 'running', t0)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConflictError)
      expect((error as ConflictError).code).toBe('illegal_step_transition')
      expect((error as ConflictError).name).toBe('ConflictError')
    }
  })

  it('map to customer onboarding states', () => {
    expect(deriveOnboardingState(succeedThrough('link_issued'))).toBe('link_issued')
    expect(deriveOnboardingState(succeedThrough('consent_received'))).toBe('consent_received')
    expect(deriveOnboardingState(succeedThrough('prerequisites_checked'))).toBe('awaiting_confirmation')
    expect(deriveOnboardingState(succeedThrough('tenant_confirmed'))).toBe('tenant_confirmed')
    expect(deriveOnboardingState(succeedThrough('policy_applied'))).toBe('policy_applied')
    expect(deriveOnboardingState(succeedThrough('verified'))).toBe('onboarded')
    const failed = transitionStep(
      succeedThrough('consent_received'),
      'access_verified',
      'failed',
      t0,
      'Wrong tenant',
    )
    expect(deriveOnboardingState(failed)).toBe('failed')
    expect(deriveOnboardingState(succeedThrough('verified'), 'offboarding')).toBe('offboarding')
    expect(deriveOnboardingState(failed, 'offboarded')).toBe('offboarded')
  })

  it('count skipped steps as done', () => {
    let steps = succeedThrough('access_verified')
    steps = transitionStep(steps, 'prerequisites_checked', 'skipped', t0)
    steps = transitionStep(steps, 'tenant_confirmed', 'succeeded', t0)
    steps = transitionStep(steps, 'policy_applied', 'running', t0)
    expect(deriveOnboardingState(steps)).toBe('tenant_confirmed')
    expect(currentStep(steps)?.step).toBe('policy_applied')
  })

  it('ignore a done step that follows an unfinished one when deriving the state', () => {
    const steps = initialSteps().map((s) =>
      s.step === 'verified' ? { ...s, status: 'succeeded' as const } : s,
    )
    expect(deriveOnboardingState(steps)).toBe('not_started')
  })

  it('retry a failed step and reset from a step for a new consent link', () => {
    let steps = transitionStep(
      succeedThrough('link_issued'),
      'consent_received',
      'failed',
      t0,
      'Consent cancelled',
    )
    steps = transitionStep(steps, 'consent_received', 'pending', t1)
    expect(deriveOnboardingState(steps)).toBe('link_issued')
    const reset = resetStepsFrom(succeedThrough('verified'), 'consent_received')
    expect(reset.map((s) => s.status)).toEqual([
      'succeeded',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
    ])
    expect(currentStep(succeedThrough('verified'))).toBeNull()
  })

  it('start a step: a pending one runs, a failed one is retried, a running one is left alone', () => {
    const ready = succeedThrough('consent_received')
    const started = startStep(ready, 'access_verified', t0)
    expect(started.find((s) => s.step === 'access_verified')).toMatchObject({
      status: 'running',
      attempts: 1,
      startedAt: t0,
    })
    expect(startStep(started, 'access_verified', t1)).toEqual(started)
    const failed = transitionStep(started, 'access_verified', 'failed', t0, 'Consent missing')
    expect(startStep(failed, 'access_verified', t1).find((s) => s.step === 'access_verified')).toMatchObject({
      status: 'running',
      attempts: 2,
      startedAt: t1,
      finishedAt: null,
      message: null,
    })
    expect(() => startStep(ready, 'policy_applied', t0)).toThrow(ConflictError)
  })

  it('do not mutate the input records', () => {
    const steps = initialSteps()
    transitionStep(steps, 'link_issued', 'succeeded', t0)
    expect(steps[0]?.status).toBe('pending')
  })
})
